import { describe, expect, it } from 'vitest';
import { capiClusterStatus } from './capi-cluster-status.ts';

const cluster = (status: object, metadata: object = {}) => ({ metadata: { name: 'c', ...metadata }, status });

describe('capiClusterStatus', () => {
  it('is waiting for nodes while Cluster API has not started', () => {
    expect(capiClusterStatus(cluster({ phase: 'Pending' }))).toMatchObject({ phase: 'waiting-for-nodes' });
    expect(capiClusterStatus({ metadata: { name: 'c' } })).toMatchObject({ phase: 'waiting-for-nodes' });
  });

  it('is provisioning once the infrastructure is ready, with the Ready condition in the message', () => {
    const view = capiClusterStatus(
      cluster({
        phase: 'Provisioned',
        conditions: [
          { type: 'InfrastructureReady', status: 'True' },
          { type: 'Ready', status: 'False', severity: 'Info', reason: 'WaitingForControlPlane', message: '0 of 1 ready' },
        ],
      }),
    );
    expect(view).toEqual({
      phase: 'provisioning',
      message: 'Cluster API is provisioning the cluster; Ready is False (WaitingForControlPlane): 0 of 1 ready',
    });
  });

  it('is ready when Ready is True', () => {
    expect(capiClusterStatus(cluster({ conditions: [{ type: 'Ready', status: 'True' }] }))).toMatchObject({ phase: 'ready' });
  });

  it('fails with CapiClusterFailed on a failure reason or an Error-severity Ready condition', () => {
    expect(capiClusterStatus(cluster({ failureReason: 'InvalidConfiguration', failureMessage: 'bad' }))).toMatchObject({
      phase: 'failed',
      reason: { code: 'CapiClusterFailed', message: 'Cluster API reports the cluster failed: InvalidConfiguration: bad' },
    });
    expect(capiClusterStatus(cluster({ conditions: [{ type: 'Ready', status: 'False', severity: 'Error', reason: 'X' }] }))).toMatchObject({
      phase: 'failed',
    });
  });

  it('is deleting once Cluster API marks it deleted', () => {
    expect(capiClusterStatus(cluster({}, { deletionTimestamp: '2026-01-01T00:00:00Z' }))).toMatchObject({ phase: 'deleting' });
  });
});
