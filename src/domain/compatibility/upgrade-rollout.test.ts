import { describe, expect, it } from 'vitest';
import type { ClusterUpgrade } from '../inventory/cluster.ts';
import { advanceRollout, computeNodeKubernetesVersion, isUpgradeUnfinished, removeFromRollout, startRollout } from './upgrade-rollout.ts';

const UPGRADE: ClusterUpgrade = {
  osProfile: { name: 'emt', version: '3.1' },
  fromVersion: 'v1.32.4+k3s1',
  kubernetesVersion: 'v1.33.5+k3s1',
  state: 'rolling',
  steps: [
    { hostId: 's1', method: 'update-os', state: 'pending' },
    { hostId: 'w1', method: 'reinstall', state: 'pending' },
  ],
  failure: null,
  startedAt: 'T0',
  finishedAt: null,
};
const NEW_IMAGE = { name: 'emt', version: '3.1' };
const report = (hostId: string, more: Partial<Parameters<typeof advanceRollout>[1]> = {}) => ({
  hostId,
  host: `edge-${hostId}`,
  phase: 'ready' as const,
  message: 'K3s is ready',
  image: NEW_IMAGE,
  ...more,
});

describe('the rollout of a cluster upgrade', () => {
  it('moves one node at a time: the next only after the moving one reported ready on the new image', () => {
    const started = startRollout(UPGRADE, 'T1');
    expect(started.move).toEqual({ hostId: 's1', method: 'update-os', state: 'moving' });
    expect(started.message).toBe('upgrading to K3s v1.33.5+k3s1: node 1 of 2 moving');
    expect(advanceRollout(started.upgrade, report('w1'), 'T2')).toBeNull();
    expect(advanceRollout(started.upgrade, report('s1', { image: { name: 'emt', version: '3.0' } }), 'T2')).toBeNull();
    expect(advanceRollout(started.upgrade, report('s1', { phase: 'installing' }), 'T2')).toBeNull();
    const second = advanceRollout(started.upgrade, report('s1'), 'T2')!;
    expect(second.move).toEqual({ hostId: 'w1', method: 'reinstall', state: 'moving' });
    expect(second.upgrade.steps.map((s) => s.state)).toEqual(['done', 'moving']);
    // A reinstalled node keeps its image: ready again is enough.
    const done = advanceRollout(second.upgrade, report('w1', { image: { name: 'ubuntu', version: '22.04' } }), 'T3')!;
    expect(done).toMatchObject({ move: null, message: 'upgraded to K3s v1.33.5+k3s1', upgrade: { state: 'done', finishedAt: 'T3' } });
    expect(advanceRollout(done.upgrade, report('w1'), 'T4')).toBeNull();
  });

  it('stops at a node that reports failed, with the node and its reason; starting again resumes from it', () => {
    const started = startRollout(UPGRADE, 'T1');
    const failed = advanceRollout(started.upgrade, report('s1', { phase: 'failed', message: 'the OS update command exited 1' }), 'T2')!;
    expect(failed.move).toBeNull();
    expect(failed.upgrade).toMatchObject({
      state: 'failed',
      finishedAt: 'T2',
      failure: {
        hostId: 's1',
        reason: {
          code: 'UpgradeNodeFailed',
          message: 'host edge-s1 did not come back ready on K3s v1.33.5+k3s1: the OS update command exited 1',
        },
      },
    });
    expect(isUpgradeUnfinished({ upgrade: failed.upgrade })).toBe(true);
    expect(startRollout({ ...failed.upgrade, state: 'rolling' }, 'T3')).toMatchObject({
      move: { hostId: 's1' },
      upgrade: { failure: null },
    });
  });

  it('gives each node the new version once it started moving, the cluster’s before, and the cluster’s once done', () => {
    const { upgrade } = startRollout(UPGRADE, 'T1');
    const cluster = { kubernetesVersion: 'v1.32.4+k3s1', upgrade };
    expect(computeNodeKubernetesVersion(cluster, 's1')).toBe('v1.33.5+k3s1');
    expect(computeNodeKubernetesVersion(cluster, 'w1')).toBe('v1.32.4+k3s1');
    expect(computeNodeKubernetesVersion({ kubernetesVersion: 'v1.33.5+k3s1', upgrade: { ...upgrade, state: 'done' } }, 'w1')).toBe(
      'v1.33.5+k3s1',
    );
  });

  it('drops the step of a node that left, stopping the rollout when it was the moving one', () => {
    const { upgrade } = startRollout(UPGRADE, 'T1');
    expect(removeFromRollout(upgrade, 'w1', 'edge-w1', 'T2')).toMatchObject({
      state: 'rolling',
      steps: [{ hostId: 's1', state: 'moving' }],
    });
    const stopped = removeFromRollout(upgrade, 's1', 'edge-s1', 'T2');
    expect(stopped).toMatchObject({
      state: 'failed',
      steps: [{ hostId: 'w1', state: 'pending' }],
      failure: { hostId: 's1', reason: { code: 'UpgradeNodeFailed', message: expect.stringContaining('host edge-s1 left the cluster') } },
    });
    expect(startRollout({ ...stopped, state: 'rolling' }, 'T3').move).toMatchObject({ hostId: 'w1' });
  });
});
