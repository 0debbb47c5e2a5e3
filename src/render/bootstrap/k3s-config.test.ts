import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderBootstrapFiles, renderK3sConfig } from './k3s-config.ts';

describe('renderK3sConfig', () => {
  it('writes K3s config keys as YAML under a header, lists as block sequences', () => {
    expect(
      renderK3sConfig({ 'node-name': 'edge-node-1', 'kubelet-arg': ['max-pods=250'], 'https-listen-port': 6443, 'cluster-init': true }),
    ).toBe(
      '# Written by the edge-orch agent; K3s reads it at start. Changes are overwritten by the next install.\n' +
        'node-name: edge-node-1\nkubelet-arg:\n  - max-pods=250\nhttps-listen-port: 6443\ncluster-init: true\n',
    );
  });

  it('quotes values so quotes, newlines, $(), backticks and YAML syntax arrive as the same strings', () => {
    const hostile = `a'b"c $(touch /tmp/pwned) \`id\`; x\nhttps-listen-port: 1\n- item: {y}`;
    const text = renderK3sConfig({ 'node-name': hostile, 'node-label': [hostile, 'k=v'], 'cluster-domain': '*.yes: no' });
    expect(parse(text)).toEqual({ 'node-name': hostile, 'node-label': [hostile, 'k=v'], 'cluster-domain': '*.yes: no' });
  });

  it('never folds long values onto several lines', () => {
    const long = `tls-cipher-suites=${'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,'.repeat(10)}X`;
    expect(renderK3sConfig({ 'node-name': 'n', 'kube-apiserver-arg': [long] })).toContain(`  - ${long}\n`);
  });
});

describe('renderBootstrapFiles', () => {
  it('puts the template files first and the K3s config last, readable by root only', () => {
    const files = renderBootstrapFiles({
      templateFiles: [{ path: '/etc/a', content: 'x', mode: 0o644, encoding: 'utf8' }],
      k3sConfig: { 'node-name': 'n' },
    });
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ['/etc/a', 0o644],
      ['/etc/rancher/k3s/config.yaml', 0o600],
    ]);
  });
});
