/**
 * Stopping the server (SIGTERM → close) must not wait for agents' held requests: thousands of agents long-poll
 * at any time, so every held enrollment and desired-state request answers at once when the server closes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

it('closes at once while an enrollment and a desired-state long-poll are held, answering both', async () => {
  const server = await startServer(
    loadServerConfig({ dataDir: mkdtempSync(join(tmpdir(), 'edge-orch-close-')), port: 0, logLevel: 'silent', insecureHttp: true }, {}),
  );
  const admin = { authorization: `Bearer ${readFileSync(server.adminTokenFile!, 'utf8').trim()}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown, headers: Record<string, string> = admin): Promise<any> =>
    (
      await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      })
    ).json();
  const { token } = await post('/api/v1/projects/default/enrollment-tokens', { name: 'close-test' });
  await post('/api/v1/projects/default/hosts', { serial: 'CLOSE-1' });
  const { credential } = await post('/api/v1/agent/enroll', { enrollmentToken: token, serial: 'CLOSE-1' }, {});
  const { revision } = (await (
    await fetch(`${server.url}/api/v1/agent/desired-state?waitSeconds=0`, { headers: { authorization: `Bearer ${credential}` } })
  ).json()) as { revision: string };

  const heldPoll = fetch(`${server.url}/api/v1/agent/desired-state?waitSeconds=60&revision=${revision}`, {
    headers: { authorization: `Bearer ${credential}` },
  });
  const heldEnroll = fetch(`${server.url}/api/v1/agent/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollmentToken: token, serial: 'NOT-YET', waitSeconds: 60 }),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));

  const started = Date.now();
  await server.close();
  expect(Date.now() - started).toBeLessThan(3_000);
  expect((await heldPoll).status).toBe(200);
  expect((await heldEnroll).status).toBe(404);
});
