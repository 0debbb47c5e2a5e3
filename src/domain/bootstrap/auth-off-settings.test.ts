import { describe, expect, it } from 'vitest';
import { findAuthSwitchedOff } from './auth-off-settings.ts';

describe('findAuthSwitchedOff', () => {
  it('flags anonymous access, AlwaysAllow and open unauthenticated ports, and nothing else', () => {
    expect(
      findAuthSwitchedOff({
        'kube-apiserver-arg': ['anonymous-auth=true', 'authorization-mode=Node,AlwaysAllow', 'anonymous-auth=false'],
        'kubelet-arg': ['read-only-port=10255', 'read-only-port=0', 'authentication-token-webhook=false', 'max-pods=250'],
        'node-label': ['anonymous-auth=true'],
      }),
    ).toEqual([
      'security: kube-apiserver-arg anonymous-auth=true lets requests without credentials in as system:anonymous',
      'security: kube-apiserver-arg authorization-mode=Node,AlwaysAllow allows every authenticated request whatever its permissions',
      "security: kubelet-arg read-only-port=10255 opens the kubelet's unauthenticated read-only port",
      'security: kubelet-arg authentication-token-webhook=false turns off token authentication on the kubelet',
    ]);
  });
});
