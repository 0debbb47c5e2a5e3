import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderKubeconfigForAddress } from './kubeconfig.ts';

const K3S_YAML = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Y2E=
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
users:
- name: default
  user:
    client-key-data: a2V5
`;

const serverOf = (text: string): string => parse(text).clusters[0].cluster.server;

describe('renderKubeconfigForAddress', () => {
  it('points the cluster at the host address and keeps the port and everything else', () => {
    const text = renderKubeconfigForAddress(K3S_YAML, '10.0.0.5');
    expect(serverOf(text)).toBe('https://10.0.0.5:6443');
    expect(text.replace('10.0.0.5', '127.0.0.1')).toBe(K3S_YAML);
  });

  it('brackets IPv6 addresses and accepts DNS names', () => {
    expect(serverOf(renderKubeconfigForAddress(K3S_YAML, 'fd00::5'))).toBe('https://[fd00::5]:6443');
    expect(serverOf(renderKubeconfigForAddress(K3S_YAML, 'edge-1.example.com'))).toBe('https://edge-1.example.com:6443');
  });

  it('refuses an address that is neither an IP nor a DNS name', () => {
    expect(() => renderKubeconfigForAddress(K3S_YAML, '10.0.0.5/evil')).toThrow(
      'hostAddress "10.0.0.5/evil" is not an IP address or DNS name',
    );
  });
});
