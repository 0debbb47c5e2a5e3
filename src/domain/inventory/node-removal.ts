/**
 * Whether a node may leave its cluster on request (deauthorizing a host is not a request and always removes
 * its node, see deauthorize.ts): the cluster keeps 1 or 3 servers, and the first server, which the other nodes
 * joined, stays while they do. The last node does not leave: the cluster is deleted instead.
 */
import { AppError } from '../errors.ts';
import type { Cluster, ClusterNode } from './cluster.ts';
import { checkClusterNodes, computeFirstServer } from './cluster-topology.ts';

/** The nodes left after `hostId` leaves; InvalidState naming the rule it would break. */
export function computeNodeRemoval(cluster: Cluster, hostId: string, hostName: string): ClusterNode[] {
  if (!cluster.nodes.some((n) => n.hostId === hostId))
    throw new AppError('InvalidState', `host ${hostName} is not a node of cluster ${cluster.name}`, { field: 'host' });
  if (cluster.phase === 'deleting') throw new AppError('InvalidState', `cluster ${cluster.name} is being deleted`);
  const remaining = cluster.nodes.filter((n) => n.hostId !== hostId);
  if (remaining.length === 0)
    throw new AppError('InvalidState', `host ${hostName} is the last node of cluster ${cluster.name}; delete the cluster instead`);
  if (computeFirstServer(cluster.nodes)?.hostId === hostId)
    throw new AppError(
      'InvalidState',
      `host ${hostName} is the first server of cluster ${cluster.name}, which the other nodes joined; remove the other nodes first, or delete the cluster`,
    );
  const [problem] = checkClusterNodes(remaining);
  if (problem) throw new AppError('InvalidState', `host ${hostName} cannot leave cluster ${cluster.name}: ${problem.message}`);
  return remaining;
}
