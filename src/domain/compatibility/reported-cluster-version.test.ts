import { describe, expect, it } from 'vitest';
import type { AgentReport } from '../bootstrap/agent-report.ts';
import { computeReportedClusterVersion } from './reported-cluster-version.ts';

const INSTANCE = { osProfile: 'emt', osProfileVersion: '3.1' };
const CLUSTER = { flavor: 'k3s', kubernetesVersion: 'v1.32.4+k3s1', phase: 'ready' } as const;
const manifest = (imageVersion: string, k3s: string | null): AgentReport['manifest'] => ({
  image: { name: 'emt', version: imageVersion, osType: 'immutable', architecture: 'x86_64' },
  ...(k3s === null
    ? {}
    : { kubernetes: { flavor: 'k3s', version: k3s, binaryPath: '/usr/bin/k3s', installScriptPath: '/opt/install.sh', airgapImages: [] } }),
});

describe('computeReportedClusterVersion', () => {
  it("records the newer K3s once the host reports the instance's new OS profile version", () => {
    expect(computeReportedClusterVersion({ instance: INSTANCE, cluster: CLUSTER, manifest: manifest('3.1', 'v1.33.1+k3s1') })).toBe(
      'v1.33.1+k3s1',
    );
  });

  it('changes nothing while the host still reports the previous image', () => {
    expect(computeReportedClusterVersion({ instance: INSTANCE, cluster: CLUSTER, manifest: manifest('3.0', 'v1.33.1+k3s1') })).toBeNull();
  });

  it('changes nothing when the image embeds the version already recorded, an older one, or none', () => {
    for (const k3s of ['v1.32.4+k3s1', 'v1.32.3+k3s1', null]) {
      expect(computeReportedClusterVersion({ instance: INSTANCE, cluster: CLUSTER, manifest: manifest('3.1', k3s) })).toBeNull();
    }
  });

  it('changes nothing for a cluster being deleted, or without an instance or a cluster', () => {
    const report = manifest('3.1', 'v1.33.1+k3s1');
    expect(computeReportedClusterVersion({ instance: INSTANCE, cluster: { ...CLUSTER, phase: 'deleting' }, manifest: report })).toBeNull();
    expect(computeReportedClusterVersion({ instance: null, cluster: CLUSTER, manifest: report })).toBeNull();
    expect(computeReportedClusterVersion({ instance: INSTANCE, cluster: null, manifest: report })).toBeNull();
  });
});
