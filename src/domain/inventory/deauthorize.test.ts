import { describe, expect, it } from 'vitest';
import type { Cluster } from './cluster.ts';
import { computeDeauthorizeEffect } from './deauthorize.ts';

const cluster = (nodes: string[], phase: Cluster['phase'] = 'ready'): Cluster => ({
  id: 'c1',
  project: 'p',
  name: 'edge-1',
  template: { name: 't', version: 'v0.0.1' },
  flavor: 'k3s',
  kubernetesVersion: 'v1.32.4+k3s1',
  osProfile: 'emt',
  nodes: nodes.map((hostId) => ({ hostId, role: 'all' })),
  airGapped: true,
  airGappedOverride: null,
  driver: 'agent',
  phase,
  message: '',
  labels: {},
  autoCreated: true,
  deletionPolicy: 'delete',
  createdAt: '',
  updatedAt: '',
});

describe('computeDeauthorizeEffect', () => {
  it('deletes a single-node cluster when its host is deauthorized', () => {
    expect(computeDeauthorizeEffect(cluster(['h1']), 'h1')).toEqual({ kind: 'delete-cluster', cluster: 'edge-1' });
  });

  it('lets the node leave a multi-node cluster and keeps the others', () => {
    expect(computeDeauthorizeEffect(cluster(['h1', 'h2']), 'h1')).toEqual({
      kind: 'remove-node',
      cluster: 'edge-1',
      nodes: [{ hostId: 'h2', role: 'all' }],
    });
  });

  it('deletes a multi-node cluster with its last host, one deauthorization after another', () => {
    const first = computeDeauthorizeEffect(cluster(['h1', 'h2', 'h3']), 'h1');
    expect(first).toMatchObject({ kind: 'remove-node' });
    const second = computeDeauthorizeEffect({ ...cluster([]), nodes: first.kind === 'remove-node' ? first.nodes : [] }, 'h2');
    expect(second).toEqual({ kind: 'remove-node', cluster: 'edge-1', nodes: [{ hostId: 'h3', role: 'all' }] });
    expect(computeDeauthorizeEffect(cluster(['h3']), 'h3')).toEqual({ kind: 'delete-cluster', cluster: 'edge-1' });
  });

  it('without deleteOnDeauthorize (policy orphan), only removes the node, the last one too', () => {
    expect(computeDeauthorizeEffect({ ...cluster(['h1']), deletionPolicy: 'orphan' }, 'h1')).toEqual({
      kind: 'remove-node',
      cluster: 'edge-1',
      nodes: [],
    });
  });

  it('does nothing for a host without a cluster, a host not in it, or a cluster already being deleted', () => {
    expect(computeDeauthorizeEffect(null, 'h1')).toEqual({ kind: 'none' });
    expect(computeDeauthorizeEffect(cluster(['h2']), 'h1')).toEqual({ kind: 'none' });
    expect(computeDeauthorizeEffect(cluster(['h1'], 'deleting'), 'h1')).toEqual({ kind: 'none' });
  });
});
