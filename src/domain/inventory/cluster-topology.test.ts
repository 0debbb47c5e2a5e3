import { describe, expect, it } from 'vitest';
import type { ClusterNode } from './cluster.ts';
import { checkClusterNodes, computeClusterPhase, computeFirstServer } from './cluster-topology.ts';

const node = (hostId: string, role: ClusterNode['role'], phase?: ClusterNode['phase']): ClusterNode => ({
  hostId,
  role,
  ...(phase ? { phase } : {}),
});

describe('checkClusterNodes', () => {
  it('accepts 1 or 3 servers with any number of workers', () => {
    expect(checkClusterNodes([node('a', 'all')])).toEqual([]);
    expect(checkClusterNodes([node('a', 'controlplane'), node('b', 'worker'), node('c', 'worker')])).toEqual([]);
    expect(
      checkClusterNodes([node('a', 'controlplane'), node('b', 'controlplane'), node('c', 'controlplane'), node('d', 'worker')]),
    ).toEqual([]);
  });

  it('refuses no node, 0, 2 or 4 servers, and a host listed twice, naming the field', () => {
    expect(checkClusterNodes([])).toEqual([{ field: 'nodes', message: 'a cluster needs at least one node' }]);
    expect(checkClusterNodes([node('a', 'worker')])[0]).toMatchObject({
      field: 'nodes',
      message: expect.stringContaining('these nodes have 0'),
    });
    expect(checkClusterNodes([node('a', 'controlplane'), node('b', 'controlplane')])[0]!.message).toContain('these nodes have 2');
    expect(checkClusterNodes([node('a', 'controlplane'), node('a', 'worker')], (id) => `host-${id}`)).toEqual([
      { field: 'nodes/1/host', message: 'host host-a is listed twice (nodes/0 and nodes/1)' },
    ]);
  });
});

describe('computeFirstServer', () => {
  it('is the first server in node order, whatever comes before it', () => {
    expect(computeFirstServer([node('w', 'worker'), node('s', 'controlplane'), node('t', 'controlplane')])?.hostId).toBe('s');
    expect(computeFirstServer([node('w', 'worker')])).toBeNull();
  });
});

describe('computeClusterPhase', () => {
  it('is waiting before any report, provisioning while nodes install, ready when every node is', () => {
    expect(computeClusterPhase([node('a', 'controlplane'), node('b', 'worker')])).toBe('waiting-for-nodes');
    expect(computeClusterPhase([node('a', 'controlplane', 'ready'), node('b', 'worker')])).toBe('provisioning');
    expect(computeClusterPhase([node('a', 'controlplane', 'ready'), node('b', 'worker', 'installing')])).toBe('provisioning');
    expect(computeClusterPhase([node('a', 'controlplane', 'ready'), node('b', 'worker', 'ready')])).toBe('ready');
  });

  it('is degraded when a node failed and a server still serves, failed when none does', () => {
    expect(computeClusterPhase([node('a', 'controlplane', 'ready'), node('b', 'worker', 'failed')])).toBe('degraded');
    expect(computeClusterPhase([node('a', 'controlplane', 'failed'), node('b', 'worker', 'ready')])).toBe('failed');
  });
});
