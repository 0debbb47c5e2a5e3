import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgentCommand, readAgentSettings } from './agent-command.ts';
import { parseAgentConfig } from './agent-config.ts';

const FILE = '/etc/edge-orch/agent.yaml';

describe('parseAgentConfig', () => {
  it('reads every setting under its camelCase flag name', () => {
    const text = [
      '# written by the image build',
      'server: https://orch.example:8080',
      'enrollToken: eot_secret',
      'caFile: /etc/edge-orch/ca.crt',
      'mirrorUrl: http://mirror.example/mirror',
      'stateDir: /var/lib/edge-orch-agent',
      'address: 10.0.0.5',
      'insecureHttp: false',
      '',
    ].join('\n');
    expect(parseAgentConfig(text, FILE)).toEqual({
      ok: true,
      value: {
        server: 'https://orch.example:8080',
        enrollToken: 'eot_secret',
        caFile: '/etc/edge-orch/ca.crt',
        mirrorUrl: 'http://mirror.example/mirror',
        stateDir: '/var/lib/edge-orch-agent',
        address: '10.0.0.5',
        insecureHttp: false,
      },
    });
  });

  it('takes a file of comments only as no settings', () => {
    expect(parseAgentConfig('# server: https://orch.example\n', FILE)).toEqual({ ok: true, value: {} });
    expect(parseAgentConfig('', FILE)).toEqual({ ok: true, value: {} });
  });

  it('names the file, the line, the key and what was expected, for every problem at once', () => {
    const parsed = parseAgentConfig('server: 42\nenroll-token: x\ncaFile: ca.crt\nonce: "yes"\nbogus: 1\n', FILE);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      { field: 'server', message: `${FILE} line 1: server must be a non-empty string, got number 42` },
      {
        field: 'enroll-token',
        message: expect.stringMatching(/^\/etc\/edge-orch\/agent\.yaml line 2: unknown key "enroll-token" \(did you mean enrollToken\?\); expected one of server, enrollToken,/),
      },
      { field: 'caFile', message: `${FILE} line 3: caFile must be an absolute path (starting with /), got string "ca.crt"` },
      { field: 'once', message: `${FILE} line 4: once must be true or false, got string "yes"` },
      { field: 'bogus', message: expect.stringContaining(`${FILE} line 5: unknown key "bogus"`) },
    ]);
  });

  it('never repeats the enrollment token in an error', () => {
    const parsed = parseAgentConfig('enrollToken: ["eot_secret"]\n', FILE);
    expect(JSON.stringify(parsed)).not.toContain('eot_secret');
    expect(!parsed.ok && parsed.problems[0]!.message).toBe(`${FILE} line 1: enrollToken must be a non-empty string, got a value that is not a string`);
  });

  it('refuses YAML that is not a mapping, or not YAML, naming the file', () => {
    expect(parseAgentConfig('- server\n', FILE)).toEqual({
      ok: false,
      problems: [{ field: FILE, message: `${FILE}: expected a mapping of settings (key: value), got a list` }],
    });
    const broken = parseAgentConfig('server: https://a\nserver: https://b\n', FILE);
    expect(!broken.ok && broken.problems[0]!.message).toMatch(/^\/etc\/edge-orch\/agent\.yaml line 2: not valid YAML: /);
  });
});

describe('the agent settings: flags over the file over defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-orch-agent-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, 'server: https://from-file:8080\nenrollToken: eot_file\nstateDir: /var/lib/from-file\nonce: true\n', { mode: 0o600 });

  async function settings(args: string[], env: Record<string, string> = {}) {
    const saved = { ...process.env };
    for (const name of ['EDGE_ORCH_SERVER', 'EDGE_ORCH_CA_FILE', 'EDGE_ORCH_ENROLL_TOKEN', 'EDGE_ORCH_MIRROR_URL']) delete process.env[name];
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
