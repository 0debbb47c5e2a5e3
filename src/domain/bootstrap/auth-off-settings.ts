/**
 * Template settings that switch Kubernetes authentication or authorization off. They are legal K3s flags, so a
 * template may carry them; every plan that applies one says so in its warnings (and so on the cluster's status).
 */
import type { K3sListKey } from './k3s-config.ts';

interface AuthOffRule {
  keys: readonly K3sListKey[];
  /** Matches the argument (without its leading `--`) that switches something off. */
  test: RegExp;
  why: string;
}

const RULES: readonly AuthOffRule[] = [
  {
    keys: ['kube-apiserver-arg', 'kubelet-arg'],
    test: /^anonymous-auth=(true|1)$/i,
    why: 'lets requests without credentials in as system:anonymous',
  },
  {
    keys: ['kube-apiserver-arg', 'kubelet-arg'],
    test: /^authorization-mode=.*AlwaysAllow/,
    why: 'allows every authenticated request whatever its permissions',
  },
  { keys: ['kubelet-arg'], test: /^authentication-token-webhook=(false|0)$/i, why: 'turns off token authentication on the kubelet' },
  { keys: ['kubelet-arg'], test: /^read-only-port=[1-9]\d*$/, why: "opens the kubelet's unauthenticated read-only port" },
  { keys: ['kube-apiserver-arg'], test: /^insecure-port=[1-9]\d*$/, why: 'opens an API port without authentication' },
];

/** One warning per list argument of the K3s config that switches authentication or authorization off, in key order. */
export function findAuthSwitchedOff(config: Partial<Record<K3sListKey, string[]>>): string[] {
  const warnings: string[] = [];
  for (const [key, args] of Object.entries(config) as [K3sListKey, unknown][]) {
    if (!Array.isArray(args)) continue;
    for (const arg of args as string[]) {
      const rule = RULES.find((r) => r.keys.includes(key) && r.test.test(arg));
      if (rule) warnings.push(`security: ${key} ${arg} ${rule.why}`);
    }
  }
  return warnings;
}
