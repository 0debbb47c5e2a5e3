/**
 * A driver that makes clusters outside the agent path (Cluster API on a management cluster). The composition
 * root wires one in; without it, clusters of every driver are handled as the agent's.
 */
import type { Cluster } from '../domain/inventory/cluster.ts';

export type ClusterDeletion = { kind: 'deleted' } | { kind: 'deleting'; cluster: Cluster };

export interface ClusterDriver {
  /** A cluster of this driver was created, or its project's settings changed: apply now instead of at the next sweep. */
  nudge(project: string): void;
  /** Deletes the cluster's objects: foreground, the cluster stays `deleting` until they are gone; force orphans them and removes it at once. */
  deleteCluster(cluster: Cluster, options: { force: boolean }): Promise<ClusterDeletion>;
}
