import { lstat, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand, safeBaseEnv, SAFE_PATH, writePlanFile } from './run-install.ts';

const env = safeBaseEnv({});

describe('safeBaseEnv', () => {
  it("keeps only a fixed PATH, HOME, LANG and proxy settings from the agent's environment", () => {
    expect(safeBaseEnv({ PATH: '/evil', AGENT_TOKEN: 'secret', https_proxy: 'http://proxy:3128', NO_PROXY: '10.0.0.0/8' })).toEqual({
      PATH: SAFE_PATH,
      HOME: '/root',
      LANG: 'C.UTF-8',
      https_proxy: 'http://proxy:3128',
      NO_PROXY: '10.0.0.0/8',
    });
  });
});

describe('runCommand', () => {
  it('passes arguments to the program as they are, without a shell', async () => {
    const run = await runCommand(['echo', '$(id)', '`id`;', '\'"', 'a\nb'], { env, timeoutMs: 5000 });
    expect(run).toMatchObject({ code: 0, stdout: '$(id) `id`; \'" a\nb\n', timedOut: false });
  });

  it('keeps the end of long output and says how much was dropped', async () => {
    const run = await runCommand(['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" a; echo END'], {
      env,
      timeoutMs: 5000,
      outputLimit: 1000,
    });
    expect(run.output).toMatch(/^\[99004 bytes of earlier output dropped\]\na+END\n$/);
  });

  it('kills the whole process group on timeout', async () => {
    const started = Date.now();
    const run = await runCommand(['sh', '-c', 'sleep 20 & sleep 20'], { env, timeoutMs: 300 });
    expect(run).toMatchObject({ code: null, timedOut: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not wait for a background process that keeps the output open', async () => {
    const started = Date.now();
    const run = await runCommand(['sh', '-c', 'sleep 2 & echo started'], { env, timeoutMs: 10_000 });
    expect(run).toMatchObject({ code: 0, stdout: 'started\n' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a program that cannot be started', async () => {
    const run = await runCommand(['/nonexistent/k3s', '--version'], { env, timeoutMs: 5000 });
    expect(run.code).toBeNull();
    expect(run.startError).toContain('ENOENT');
  });
});

describe('writePlanFile', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates parent directories and sets the mode whatever the umask', async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-orch-write-'));
    const path = join(dir, 'a', 'b', 'config.yaml');
    await writePlanFile({ path, content: 'x: 1\n', mode: 0o600, encoding: 'utf8' });
    expect(await readFile(path, 'utf8')).toBe('x: 1\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('replaces a symlink planted at the path instead of writing through it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-orch-write-'));
    await writeFile(join(dir, 'target'), 'precious');
    await symlink(join(dir, 'target'), join(dir, 'link'));
    await writePlanFile({ path: join(dir, 'link'), content: 'aGVsbG8=', mode: 0o644, encoding: 'base64' });
    expect((await lstat(join(dir, 'link'))).isFile()).toBe(true);
    expect(await readFile(join(dir, 'link'), 'utf8')).toBe('hello');
    expect(await readFile(join(dir, 'target'), 'utf8')).toBe('precious');
  });
});
