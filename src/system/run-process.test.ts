import { describe, expect, it } from 'vitest';
import { runProcess } from './run-process.ts';

const env = { PATH: '/usr/local/bin:/usr/bin:/bin' };

describe('runProcess', () => {
  it('passes arguments to the program as they are, without a shell', async () => {
    const run = await runProcess(['echo', '$(id)', '`id`;', '\'"', 'a\nb'], { env, timeoutMs: 5000 });
    expect(run).toMatchObject({ code: 0, stdout: '$(id) `id`; \'" a\nb\n', timedOut: false });
  });

  it("writes the input to the program's stdin, or gives it none", async () => {
    expect(await runProcess(['cat'], { env, timeoutMs: 5000, input: '*filter\nCOMMIT\n' })).toMatchObject({
      code: 0,
      stdout: '*filter\nCOMMIT\n',
    });
    expect(await runProcess(['cat'], { env, timeoutMs: 5000 })).toMatchObject({ code: 0, stdout: '' });
  });

  it('gives the program only the environment it is handed', async () => {
    const run = await runProcess(['env'], { env: { ...env, ONLY: 'this' }, timeoutMs: 5000 });
    expect(run.stdout.split('\n').filter(Boolean).sort()).toEqual(['ONLY=this', `PATH=${env.PATH}`]);
  });

  it('keeps stdout apart and stdout with stderr together, in the order they came', async () => {
    const run = await runProcess(['sh', '-c', 'echo out; echo err >&2; exit 3'], { env, timeoutMs: 5000 });
    expect(run).toMatchObject({ code: 3, stdout: 'out\n', output: 'out\nerr\n' });
  });

  it('runs in the directory it is given', async () => {
    const run = await runProcess(['pwd'], { env, timeoutMs: 5000, cwd: '/tmp' });
    expect(run.stdout).toBe('/tmp\n');
  });

  it('keeps the end of long output and says how much was dropped', async () => {
    const run = await runProcess(['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" a; echo END'], {
      env,
      timeoutMs: 5000,
      outputLimit: 1000,
    });
    expect(run.output).toMatch(/^\[99004 bytes of earlier output dropped\]\na+END\n$/);
  });

  it('kills the whole process group on timeout', async () => {
    const started = Date.now();
    const run = await runProcess(['sh', '-c', 'sleep 20 & sleep 20'], { env, timeoutMs: 300 });
    expect(run).toMatchObject({ code: null, timedOut: true });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not wait for a background process that keeps the output open', async () => {
    const started = Date.now();
    const run = await runProcess(['sh', '-c', 'sleep 2 & echo started'], { env, timeoutMs: 10_000 });
    expect(run).toMatchObject({ code: 0, stdout: 'started\n' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a program that cannot be started', async () => {
    const run = await runProcess(['/nonexistent/k3s', '--version'], { env, timeoutMs: 5000 });
    expect(run.code).toBeNull();
    expect(run.startError).toContain('ENOENT');
  });
});
