import { describe, expect, it } from 'vitest';
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
        message: expect.stringMatching(
          /^\/etc\/edge-orch\/agent\.yaml line 2: unknown key "enroll-token" \(did you mean enrollToken\?\); expected one of server, enrollToken,/,
        ),
      },
      { field: 'caFile', message: `${FILE} line 3: caFile must be an absolute path (starting with /), got string "ca.crt"` },
      { field: 'once', message: `${FILE} line 4: once must be true or false, got string "yes"` },
      { field: 'bogus', message: expect.stringContaining(`${FILE} line 5: unknown key "bogus"`) },
    ]);
  });

  it('never repeats the enrollment token in an error', () => {
    const parsed = parseAgentConfig('enrollToken: ["eot_secret"]\n', FILE);
    expect(JSON.stringify(parsed)).not.toContain('eot_secret');
    expect(!parsed.ok && parsed.problems[0]!.message).toBe(
      `${FILE} line 1: enrollToken must be a non-empty string, got a value that is not a string`,
    );
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
