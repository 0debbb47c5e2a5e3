/**
 * The shape of a cluster's nodes: K3s servers (`all`: also runs workloads, the single node's role; `controlplane`:
 * tainted so it runs none) and agents (`worker`). A cluster has 1 or 3 servers (embedded etcd needs a majority; 2 would halt when either fails) and any number of agents. The first
 * server in node order initialises the cluster; every other node joins it. The cluster's phase follows from
 * what each node's agent reports.
 */
import type { Problem } from '../problem.ts';
import type { ClusterNode, ClusterPhase, NodeRole } from './cluster.ts';

export const SERVER_COUNTS: readonly number[] = [1, 3];

export const isServerRole = (role: NodeRole): boolean => role !== 'worker';

/** Every problem with a node list (`field` names `nodes/<i>/…`); empty when it is a valid cluster. */
export function checkClusterNodes(nodes: readonly Pick<ClusterNode, 'hostId' | 'role'>[], hostLabel = (id: string) => id): Problem[] {
  const problems: Problem[] = [];
  if (nodes.length === 0) return [{ field: 'nodes', message: 'a cluster needs at least one node' }];
  const seen = new Map<string, number>();
  nodes.forEach((node, i) => {
    const earlier = seen.get(node.hostId);
    if (earlier !== undefined)
      problems.push({
        field: `nodes/${i}/host`,
        message: `host ${hostLabel(node.hostId)} is listed twice (nodes/${earlier} and nodes/${i})`,
      });
    seen.set(node.hostId, i);
  });
  const servers = nodes.filter((n) => isServerRole(n.role)).length;
  if (!SERVER_COUNTS.includes(servers))
    problems.push({
      field: 'nodes',
      message: `a cluster has 1 or 3 servers (role controlplane or all) and any number of workers; these nodes have ${servers}`,
    });
  return problems;
}

/** The server every other node joins: the first server in node order; null when the cluster has none. */
export function computeFirstServer(nodes: readonly ClusterNode[]): ClusterNode | null {
  return nodes.find((n) => isServerRole(n.role)) ?? null;
}

/**
 * The cluster's phase from its nodes' phases: ready when every node is; failed when a node failed and no server
 * is ready, degraded when a server still is; provisioning while any node installs or has become ready;
 * waiting-for-nodes before any node reported.
 */
export function computeClusterPhase(nodes: readonly ClusterNode[]): ClusterPhase {
  const live = nodes.filter((n) => n.phase === 'installing' || n.phase === 'ready' || n.phase === 'failed');
  if (nodes.length > 0 && nodes.every((n) => n.phase === 'ready')) return 'ready';
  if (live.some((n) => n.phase === 'failed')) return nodes.some((n) => isServerRole(n.role) && n.phase === 'ready') ? 'degraded' : 'failed';
  return live.length > 0 ? 'provisioning' : 'waiting-for-nodes';
}
