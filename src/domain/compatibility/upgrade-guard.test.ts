import { describe, expect, it } from 'vitest';
import { computeUpgradeDecision, type UpgradeInput } from './upgrade-guard.ts';

const CLUSTER: UpgradeInput['cluster'] = { name: 'store-42', flavor: 'k3s', kubernetesVersion: 'v1.32.4+k3s1' };
const image = (version: string | null, flavor: 'k3s' | 'rke2' = 'k3s'): UpgradeInput['target'] => ({
  name: 'emt',
  version: '3.1',
  kubernetes:
    version === null ? null : { flavor, version, binaryPath: '/usr/bin/k3s', installScriptPath: '/opt/install.sh', airgapImages: [] },
});
const decide = (target: UpgradeInput['target'], more: Partial<UpgradeInput> = {}) =>
  computeUpgradeDecision({ cluster: CLUSTER, host: 'edge-1', airGapped: true, target, otherNodes: [], ...more });
const DETAILS = { cluster: 'store-42', clusterVersion: 'v1.32.4+k3s1', osProfile: 'emt', osProfileVersion: '3.1' };

describe('computeUpgradeDecision', () => {
  it('allows an image embedding the K3s the cluster runs, leaving its version', () => {
    expect(decide(image('v1.32.4+k3s1'))).toEqual({ allowed: true, kubernetesVersion: 'v1.32.4+k3s1' });
  });

  it.each(['v1.32.4+k3s2', 'v1.32.5+k3s1', 'v1.33.0+k3s1'])('allows an upgrade to %s, the version the cluster runs next', (version) => {
    expect(decide(image(version))).toEqual({ allowed: true, kubernetesVersion: version });
  });

  it.each(['v1.32.3+k3s1', 'v1.31.9+k3s1'])('refuses a downgrade to %s, naming both versions', (version) => {
    expect(decide(image(version))).toEqual({
      allowed: false,
      reason: {
        code: 'K3sDowngrade',
        message: `OS profile emt:3.1 embeds K3s ${version}, older than the v1.32.4+k3s1 cluster store-42 runs; Kubernetes cannot be downgraded`,
        details: { ...DETAILS, embeddedVersion: version },
      },
    });
  });

  it('refuses a build older than the one the cluster runs as a downgrade', () => {
    const cluster = { ...CLUSTER, kubernetesVersion: 'v1.32.4+k3s2' };
    expect(decide(image('v1.32.4+k3s1'), { cluster })).toMatchObject({ allowed: false, reason: { code: 'K3sDowngrade' } });
  });

  it.each(['v1.34.1+k3s1', 'v2.0.0+k3s1'])('refuses %s, which skips a Kubernetes minor, naming the next one', (version) => {
    expect(decide(image(version))).toEqual({
      allowed: false,
      reason: {
        code: 'K3sMinorSkipped',
        message: `OS profile emt:3.1 embeds K3s ${version}, which skips a Kubernetes minor from the v1.32.4+k3s1 cluster store-42 runs; move one minor at a time (v1.33)`,
        details: { ...DETAILS, embeddedVersion: version },
      },
    });
  });

  it("refuses a version other than the other nodes' images embed, naming the node", () => {
    const otherNodes = [
      { host: 'edge-2', embeddedVersion: 'v1.32.5+k3s1' },
      { host: 'edge-3', embeddedVersion: 'v1.32.4+k3s1' },
    ];
    expect(decide(image('v1.32.5+k3s1'), { otherNodes })).toEqual({
      allowed: false,
      reason: {
        code: 'K3sDiffersFromNodes',
        message:
          'OS profile emt:3.1 embeds K3s v1.32.5+k3s1, but host edge-3 of cluster store-42 runs v1.32.4+k3s1; every node of a cluster runs one K3s version, so upgrade the cluster as a whole (its nodes move one at a time)',
        details: { ...DETAILS, embeddedVersion: 'v1.32.5+k3s1', node: 'edge-3', nodeVersion: 'v1.32.4+k3s1' },
      },
    });
  });

  it('compares with the version the cluster runs for other nodes whose images embed no K3s', () => {
    const otherNodes = [{ host: 'edge-2', embeddedVersion: null }];
    expect(decide(image('v1.32.4+k3s1'), { airGapped: false, otherNodes })).toEqual({ allowed: true, kubernetesVersion: 'v1.32.4+k3s1' });
    expect(decide(image('v1.32.5+k3s1'), { airGapped: false, otherNodes })).toMatchObject({
      allowed: false,
      reason: { code: 'K3sDiffersFromNodes', details: { node: 'edge-2', nodeVersion: 'v1.32.4+k3s1' } },
    });
  });

  it('allows a node whose images all agree to move together', () => {
    const otherNodes = [{ host: 'edge-2', embeddedVersion: 'v1.32.5+k3s1' }];
    expect(decide(image('v1.32.5+k3s1'), { otherNodes })).toEqual({ allowed: true, kubernetesVersion: 'v1.32.5+k3s1' });
  });

  it('refuses an image without K3s for an air-gapped node', () => {
    expect(decide(image(null))).toEqual({
      allowed: false,
      reason: {
        code: 'EmbeddedK3sRemoved',
        message:
          'OS profile emt:3.1 embeds no K3s, but host edge-1 runs cluster store-42 air-gapped on the K3s v1.32.4+k3s1 its image embeds',
        details: DETAILS,
      },
    });
  });

  it('treats an image embedding RKE2 as one without K3s', () => {
    expect(decide(image('v1.30.10+rke2r1', 'rke2'))).toMatchObject({ allowed: false, reason: { code: 'EmbeddedK3sRemoved' } });
  });

  it('allows an image without K3s for a node that downloaded its K3s, leaving its version', () => {
    expect(decide(image(null), { airGapped: false })).toEqual({
      allowed: true,
      kubernetesVersion: 'v1.32.4+k3s1',
    });
  });
});
