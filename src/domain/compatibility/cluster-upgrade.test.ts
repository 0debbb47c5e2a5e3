import { describe, expect, it } from 'vitest';
import type { ClusterUpgrade } from '../inventory/cluster.ts';
import { computeClusterUpgrade, type ClusterUpgradeInput, type UpgradeNode } from './cluster-upgrade.ts';

const k3s = (version: string) => ({
  flavor: 'k3s' as const,
  version,
  binaryPath: '/usr/bin/k3s',
  installScriptPath: '/opt/install.sh',
  airgapImages: [],
});
const emt = (version: string, embedded: string) => ({ name: 'emt', version, kubernetes: k3s(embedded) });
const EMT_NOW = emt('3.0', 'v1.32.4+k3s1');
const EMT_NEXT = emt('3.1', 'v1.33.5+k3s1');
const UBUNTU = { name: 'ubuntu', version: '22.04', kubernetes: null };
const CLUSTER: ClusterUpgradeInput['cluster'] = { name: 'plant', flavor: 'k3s', kubernetesVersion: 'v1.32.4+k3s1' };
const node = (hostId: string, role: UpgradeNode['role'], profile: UpgradeNode['profile'] = EMT_NOW): UpgradeNode => ({
  hostId,
  host: `edge-${hostId}`,
  role,
  profile,
});
const decide = (more: Partial<ClusterUpgradeInput> = {}) =>
  computeClusterUpgrade({
    cluster: CLUSTER,
    target: EMT_NEXT,
    nodes: [
      node('w1', 'worker'),
      node('s1', 'controlplane'),
      node('w2', 'worker', UBUNTU),
      node('s2', 'controlplane'),
      node('s3', 'controlplane'),
    ],
    now: 'T0',
    ...more,
  });

describe('computeClusterUpgrade', () => {
  it('orders the steps servers first, then agents; image nodes update their OS, nodes without embedded K3s reinstall', () => {
    expect(decide()).toEqual({
      allowed: true,
      upgrade: {
        osProfile: { name: 'emt', version: '3.1' },
        fromVersion: 'v1.32.4+k3s1',
        kubernetesVersion: 'v1.33.5+k3s1',
        state: 'rolling',
        steps: [
          { hostId: 's1', method: 'update-os', state: 'pending' },
          { hostId: 's2', method: 'update-os', state: 'pending' },
          { hostId: 's3', method: 'update-os', state: 'pending' },
          { hostId: 'w1', method: 'update-os', state: 'pending' },
          { hostId: 'w2', method: 'reinstall', state: 'pending' },
        ],
        failure: null,
        startedAt: 'T0',
        finishedAt: null,
      },
    });
  });

  it('refuses a downgrade and a skipped minor with the guard’s reasons', () => {
    expect(decide({ target: emt('2.9', 'v1.31.9+k3s1') })).toMatchObject({ allowed: false, reason: { code: 'K3sDowngrade' } });
    expect(decide({ target: emt('3.2', 'v1.34.1+k3s1') })).toMatchObject({ allowed: false, reason: { code: 'K3sMinorSkipped' } });
  });

  it('refuses a target without K3s, and a node whose image of another profile embeds K3s', () => {
    expect(decide({ target: UBUNTU })).toMatchObject({ allowed: false, reason: { code: 'UpgradeTargetWithoutK3s' } });
    const other = { name: 'other-emt', version: '1.0', kubernetes: k3s('v1.32.4+k3s1') };
    expect(decide({ nodes: [node('s1', 'all', other)] })).toMatchObject({
      allowed: false,
      reason: {
        code: 'UpgradeUnreachable',
        message:
          'host edge-s1 of cluster plant runs OS profile other-emt:1.0, whose image embeds K3s v1.32.4+k3s1; it cannot move to OS profile emt:3.1 (another OS profile), so it cannot reach K3s v1.33.5+k3s1',
      },
    });
  });

  it('gives no step to a node already on the target, nor a reinstall when the K3s stays the same', () => {
    const same = emt('3.0.1', 'v1.32.4+k3s1');
    expect(decide({ target: same, nodes: [node('s1', 'all'), node('w1', 'worker', UBUNTU)] })).toMatchObject({
      upgrade: { steps: [{ hostId: 's1', method: 'update-os' }] },
    });
    expect(decide({ nodes: [node('s1', 'all', EMT_NEXT)] })).toMatchObject({ upgrade: { steps: [] } });
  });

  it('refuses a second upgrade while one rolls, and a stopped one unless asked for its own target, which resumes it', () => {
    const rolling = (decide() as { upgrade: ClusterUpgrade }).upgrade;
    expect(decide({ cluster: { ...CLUSTER, upgrade: rolling } })).toMatchObject({ allowed: false, reason: { code: 'UpgradeInProgress' } });
    const stopped: ClusterUpgrade = {
      ...rolling,
      state: 'failed',
      steps: rolling.steps.map((s, i) => ({ ...s, state: i === 0 ? 'done' : i === 1 ? 'failed' : 'pending' })),
    };
    expect(decide({ cluster: { ...CLUSTER, upgrade: stopped }, target: emt('3.1.1', 'v1.33.5+k3s2') })).toMatchObject({
      allowed: false,
      reason: { code: 'UpgradeInProgress', message: expect.stringContaining('resume it') },
    });
    // The failed node's instance already records the target: resuming keeps the stopped rollout's steps.
    const moved = [node('s1', 'controlplane', EMT_NEXT), node('s2', 'controlplane', EMT_NEXT), node('w2', 'worker', UBUNTU)];
    const resumed = decide({ cluster: { ...CLUSTER, upgrade: stopped }, nodes: moved, now: 'T1' });
    expect(resumed).toMatchObject({ allowed: true, upgrade: { state: 'rolling', startedAt: 'T0', failure: null, finishedAt: null } });
    // w1 left the cluster meanwhile: its step goes.
    expect((resumed as { upgrade: ClusterUpgrade }).upgrade.steps.map((s) => [s.hostId, s.state])).toEqual([
      ['s1', 'done'],
      ['s2', 'failed'],
      ['w2', 'pending'],
    ]);
  });
});
