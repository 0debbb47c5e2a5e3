/**
 * What deauthorizing a host does to its cluster (DESIGN.md, Deletion): with deleteOnDeauthorize (deletion policy
 * `delete`, the default of auto-created clusters) a single-node cluster is deleted, and in a multi-node cluster
 * the host's node leaves and the cluster is deleted with its last node. With policy `orphan` the node only leaves,
 * the last one too: the cluster stays, waiting for nodes.
 */
import type { Cluster, ClusterNode } from './cluster.ts';

export type DeauthorizeEffect =
  { kind: 'none' } | { kind: 'delete-cluster'; cluster: string } | { kind: 'remove-node'; cluster: string; nodes: ClusterNode[] };

export function computeDeauthorizeEffect(cluster: Cluster | null, hostId: string): DeauthorizeEffect {
  if (!cluster || cluster.phase === 'deleting' || cluster.phase === 'deleted') return { kind: 'none' };
  const remaining = cluster.nodes.filter((n) => n.hostId !== hostId);
  if (remaining.length === cluster.nodes.length) return { kind: 'none' };
  return remaining.length === 0 && cluster.deletionPolicy === 'delete'
    ? { kind: 'delete-cluster', cluster: cluster.name }
    : { kind: 'remove-node', cluster: cluster.name, nodes: remaining };
}
