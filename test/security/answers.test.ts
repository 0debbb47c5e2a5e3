/**
 * Answers at the HTTP level, over real sockets: timeouts for half-sent requests, the connection cap, and Node's
 * own parser errors as problem documents; a full disk as StorageFull; `serve` on a busy port exits; the CLI
 * prints server text without terminal escape sequences. On SQLite: none of this depends on the engine.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { createEphemeralKeyring } from '../../src/store/secret-box.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createTokenSecret, hashTokenSecret } from '../../src/workflow/token-secret.ts';
import { createEdgeOrchCli } from '../support/edge-orch-cli.ts';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'edge-orch-answers-'));
const openSqlite = (): Promise<Store> =>
  openStore({ engine: 'sqlite', file: join(tempDir(), 'db.sqlite'), secrets: createEphemeralKeyring() });

/** Writes `text` on a new connection; resolves with all the server sent once it closes the connection. */
function exchange(port: number, text: string, { timeoutMs = 5_000 } = {}): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server held the connection for ${timeoutMs} ms; sent so far: ${answer}`));
    }, timeoutMs);
  });
}

function parseAnswer(answer: string): { status: number; contentType: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
    contentType: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
    body: JSON.parse(body) as Record<string, unknown>,
  };
}

describe('over real sockets', () => {
  let app: FastifyInstance;
  let store: Store;
  let port: number;
  beforeAll(async () => {
    store = await openSqlite();
    app = await buildApp({
      store,
      limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 1_500, timeoutCheckIntervalMs: 100, maxConnections: 4 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers a half-sent body with 408 RequestTimeout and closes the connection', async () => {
    const { answer, closedAfterMs } = await exchange(
      port,
      'POST /api/v1/agent/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"enrollmentToken":',
    );
    expect(parseAnswer(answer)).toMatchObject({
      status: 408,
      contentType: 'application/problem+json',
      body: { code: 'RequestTimeout', status: 408, title: 'Request not received in time' },
    });
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it('answers headers that never end with 408 RequestTimeout', async () => {
    const { answer } = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(parseAnswer(answer).body).toMatchObject({ code: 'RequestTimeout' });
  });

  it.each([
    ['oversized headers', 431, 'HeaderFieldsTooLarge', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['an oversized URL', 431, 'HeaderFieldsTooLarge', `GET /api/v1/projects/${'p'.repeat(20_000)}/hosts HTTP/1.1\r\nHost: x\r\n\r\n`],
    [
      'a Content-Length that is not a number',
      400,
      'MalformedRequest',
      'POST /api/v1/agent/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
    ],
    ['a request line that is not HTTP', 400, 'MalformedRequest', 'HELLO\r\n\r\n'],
    ['bad percent-encoding', 400, 'MalformedRequest', 'GET /api/v1/projects/%zz/hosts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ])('answers %s with %i %s as a problem document', async (_what, status, code, request) => {
    const { answer } = await exchange(port, request);
    const parsed = parseAnswer(answer);
    expect(parsed.status).toBe(status);
    expect(parsed.contentType).toMatch(/^application\/problem\+json/);
    expect(parsed.body).toMatchObject({ status, code, type: `https://edge-orch.dev/problems/${code}` });
  });

  it('closes connections past the cap at once and serves again when they go', async () => {
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => undefined);
      });
    const held = await Promise.all(Array.from({ length: 4 }, open));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { answer, closedAfterMs } = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toBe('');
    expect(closedAfterMs).toBeLessThan(1_000);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});

describe('a full disk', () => {
  it.each([
    ['SQLite', 'SQLITE_FULL'],
    ['PostgreSQL', '53100'],
    ['a file write', 'ENOSPC'],
  ])('answers %s reporting no space (%s) with 507 StorageFull', async (_engine, code) => {
    const store = await openSqlite();
    const admin = createTokenSecret();
    await store.projects.ensure('alpha');
    await store.tokens.create({ project: 'alpha', role: 'admin', name: 'admin', secretHash: hashTokenSecret(admin) });
    // The driver's error as it reaches the API when the next write finds no space.
    const full = Object.assign(new Error('database or disk is full'), { code });
    const tokens = { ...store.tokens, create: () => Promise.reject(full) };
    const app = await buildApp({ store: { ...store, tokens } });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/projects/alpha/tokens',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'one-more', role: 'viewer' },
    });
    expect(res.statusCode).toBe(507);
    expect(res.json()).toMatchObject({ code: 'StorageFull', title: 'Server storage is full' });
    expect(res.json().detail).toMatch(/^the server's storage is full; nothing was written \(request id .+\)$/);
    expect(res.body).not.toContain('database or disk is full');
    await app.close();
    await store.close();
  });
});

describe('the command line', () => {
  it('exits non-zero, naming the port, when serve finds its port in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const home = tempDir();
    const result = await createEdgeOrchCli({ home }).run([
      'serve',
      '--port',
      String(port),
      '--data-dir',
      join(home, 'data'),
      '--log-level',
      'silent',
    ]);
    busy.close();
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: 127.0.0.1:${port} is already in use; stop what listens there or choose another --port (field: port)\n`,
    );
  });

  it('prints token names without the terminal escape sequences they carry, in every format', async () => {
    const store = await openSqlite();
    const app = await buildApp({ store });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const admin = createTokenSecret();
    await store.projects.ensure('alpha');
    await store.tokens.create({ project: 'alpha', role: 'admin', name: 'admin', secretHash: hashTokenSecret(admin) });
    const evil = 'ci\u001b]0;owned\u0007\u001b[2J\u009b31mbot\u007f';
    await store.tokens.create({ project: 'alpha', role: 'viewer', name: evil, secretHash: hashTokenSecret(createTokenSecret()) });
    const cli = createEdgeOrchCli({ home: tempDir() });
    try {
      for (const format of ['table', 'json', 'yaml']) {
        const { stdout, code } = await cli.run(['--server', url, '--project', 'alpha', '--token', admin, 'token', 'list', '-o', format]);
        expect(code).toBe(0);
        const controls = [...stdout].filter((c) => c !== '\n' && c !== '\t' && (c < ' ' || (c >= '\u007f' && c <= '\u009f')));
        expect(controls, format).toEqual([]);
        if (format === 'table') expect(stdout).toContain('ci]0;owned[2J31mbot');
        if (format === 'json') expect(JSON.parse(stdout).map((t: { name: string }) => t.name)).toContain(evil);
      }
    } finally {
      await app.close();
      await store.close();
    }
  });
});
