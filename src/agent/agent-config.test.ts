import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgentCommand, readAgentSettings } from './agent-command.ts';

describe('the agent settings: flags over the file over defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-orch-agent-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, 'server: https://from-file:8080\nenrollToken: eot_file\nstateDir: /var/lib/from-file\nonce: true\n', { mode: 0o600 });

  async function settings(args: string[], env: Record<string, string> = {}) {
    const saved = { ...process.env };
    for (const name of ['EDGE_ORCH_SERVER', 'EDGE_ORCH_CA_FILE', 'EDGE_ORCH_ENROLL_TOKEN', 'EDGE_ORCH_MIRROR_URL'])
      delete process.env[name];
    Object.assign(process.env, env);
    try {
      const { command } = createAgentCommand({ standalone: true });
      let result: unknown;
      await command
        .exitOverride()
        .action(async function (this: typeof command) {
          result = await readAgentSettings(this);
        })
        .parseAsync(args, { from: 'user' });
      return result as Record<string, unknown>;
    } finally {
      process.env = saved;
    }
  }

  it('reads the file, and a flag or its variable wins over it', async () => {
    expect(await settings(['--config', file])).toMatchObject({
      server: 'https://from-file:8080',
      enrollToken: 'eot_file',
      stateDir: '/var/lib/from-file',
      once: true,
    });
    expect(await settings(['--config', file, '--server', 'https://flag:1', '--state-dir', '/srv/state'])).toMatchObject({
      server: 'https://flag:1',
      enrollToken: 'eot_file',
      stateDir: '/srv/state',
    });
    expect(await settings(['--config', file], { EDGE_ORCH_ENROLL_TOKEN: 'eot_env' })).toMatchObject({ enrollToken: 'eot_env' });
  });

  it('keeps the defaults of keys the file does not set', async () => {
    const partial = join(dir, 'partial.yaml');
    writeFileSync(partial, 'server: https://from-file:8080\nenrollToken: eot_file\n');
    expect(await settings(['--config', partial])).toMatchObject({ stateDir: '/var/lib/edge-orch-agent' });
  });

  it('says where the enrollment token can come from when none is given', async () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'server: https://from-file:8080\n');
    await expect(settings(['--config', empty])).rejects.toMatchObject({
      code: 'InvalidField',
      field: 'enrollToken',
      detail: `edge-orch agent needs the project's enrollment token: enrollToken in ${empty}, --enroll-token or EDGE_ORCH_ENROLL_TOKEN`,
    });
  });

  it('fails on an unreadable file, naming it', async () => {
    await expect(settings(['--config', join(dir, 'missing.yaml')])).rejects.toMatchObject({
      field: 'config',
      detail: `--config ${join(dir, 'missing.yaml')} cannot be read (ENOENT)`,
    });
  });
});
