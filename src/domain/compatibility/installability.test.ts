import { describe, expect, it } from 'vitest';
import { computeInstallability } from './installability.ts';

const template = (flavor: 'k3s' | 'rke2', kubernetesVersion: string) => ({ name: 'edge', version: 'v1.0.0', flavor, kubernetesVersion });

describe('computeInstallability', () => {
  it('finds a K3s template installable', () => {
    expect(computeInstallability(template('k3s', 'v1.32.4+k3s1'))).toEqual({ installable: true });
  });

  it('finds an RKE2 template not installable, with a reason naming the template and its version', () => {
    expect(computeInstallability(template('rke2', 'v1.30.10+rke2r1'))).toEqual({
      installable: false,
      reason: {
        code: 'FlavorNotInstallable',
        message: 'template edge:v1.0.0 is RKE2 v1.30.10+rke2r1; the agent installs K3s only, so it cannot run on any host',
        details: { flavor: 'rke2', templateVersion: 'v1.30.10+rke2r1' },
      },
    });
  });
});
