/**
 * A project's Cluster API management cluster: where clusters of the capi driver are applied. Its kubeconfig is
 * a credential: checked like a reported kubeconfig (https server, inline CA and credentials, no exec or file
 * paths: the server itself uses it), stored sealed, and never given back.
 */
import { parse } from 'yaml';
import { AppError, invalidField, isAppError } from '../errors.ts';
import { parseReportedKubeconfig } from '../bootstrap/reported-kubeconfig.ts';
import type { ClusterDriver } from './cluster.ts';

export interface ManagementCluster {
  /** The API server URL of the kubeconfig's current context, shown so an operator sees which cluster it is. */
  server: string;
  /** Where edge-orch applies its objects. */
  namespace: string;
  updatedAt: string;
}

/** A project's cluster settings: the driver its new clusters get, and its management cluster if named. */
export interface ProjectClusterSettings {
  clusterDriver: ClusterDriver;
  managementCluster: ManagementCluster | null;
}

const NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function parseManagementNamespace(value: unknown): string {
  if (value === undefined) return 'default';
  if (typeof value !== 'string' || !NAMESPACE.test(value))
    throw invalidField(
      'namespace',
      `namespace must be a Kubernetes namespace name (lowercase letters, digits and "-", at most 63), got ${JSON.stringify(value)}`,
    );
  return value;
}

/** The kubeconfig rewritten from its checked values, with its current context's server. */
export function parseManagementKubeconfig(text: string): { kubeconfig: string; server: string } {
  let kubeconfig: string;
  try {
    kubeconfig = parseReportedKubeconfig(text);
  } catch (error) {
    // The checks are the reported kubeconfig's; the field is this request's.
    if (!isAppError(error) || error.code !== 'InvalidField') throw error;
    const rename = (s: string) => s.replace(/^cluster\/kubeconfig/, 'kubeconfig');
    throw new AppError('InvalidField', rename(error.detail), { field: rename(error.field ?? 'kubeconfig') });
  }
  const doc = parse(kubeconfig) as {
    clusters: { name: string; cluster: { server: string } }[];
    contexts: { name: string; context: { cluster: string } }[];
    'current-context'?: string;
  };
  if (doc['current-context'] === undefined && doc.contexts.length > 1)
    throw invalidField('kubeconfig/current-context', 'kubeconfig/current-context must name one of its contexts when it has several');
  const context = doc.contexts.find((c) => c.name === doc['current-context']) ?? doc.contexts[0]!;
  const server = doc.clusters.find((c) => c.name === context.context.cluster)!.cluster.server;
  return { kubeconfig: doc['current-context'] === undefined ? `${kubeconfig}current-context: ${context.name}\n` : kubeconfig, server };
}
