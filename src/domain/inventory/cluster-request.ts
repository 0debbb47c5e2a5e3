/**
 * What a user asks for when creating a cluster or adding nodes to one (the wire schema has checked the types):
 * the hosts by id or name with their roles, and how hosts that do not yet run a compatible OS get one.
 */
import { invalidField, invalidFields } from '../errors.ts';
import { DNS_LABEL, DNS_LABEL_FORM, readLabels } from '../fields.ts';
import type { Problem } from '../problem.ts';
import type { NodeRole } from './cluster.ts';
import { parseOsProfileRef, type OsProfileRef } from './os-profile.ts';
import { parseTemplateRef, type TemplateRef } from './template.ts';

export interface NodeRequest {
  /** Host id or name, as given. */
  host: string;
  role: NodeRole;
}

export interface PlacementRequest {
  /** Option 3: provision hosts without an instance with this profile. */
  osProfile: OsProfileRef | null;
  /** Option 2: move a host's instance to a compatible version of its OS profile first. */
  osUpdate: boolean;
}

export interface ClusterRequest extends PlacementRequest {
  name: string;
  template: TemplateRef;
  nodes: NodeRequest[];
  deleteOnDeauthorize: boolean;
  labels: Record<string, string>;
}

interface RawPlacement {
  nodes: { host: string; role?: NodeRole | undefined }[];
  osProfile?: string | undefined;
  osUpdate?: boolean | undefined;
}

/**
 * Roles left out: `all` for the one node of a new single-node cluster, `worker` when joining; a new cluster of
 * several nodes names every role (which hosts serve is the user's choice).
 */
export function parseNodeRequests(raw: RawPlacement, { joining }: { joining: boolean }): NodeRequest[] {
  const problems: Problem[] = [];
  const nodes = raw.nodes.map((n, i): NodeRequest => {
    if (n.role !== undefined) return { host: n.host, role: n.role };
    if (!joining && raw.nodes.length > 1)
      problems.push({
        field: `nodes/${i}/role`,
        message: `nodes/${i}/role is missing: with several nodes, give each controlplane or worker`,
      });
    return { host: n.host, role: joining ? 'worker' : 'all' };
  });
  if (problems.length > 0) throw invalidFields(problems);
  return nodes;
}

export function parsePlacement(raw: RawPlacement): PlacementRequest {
  return {
    osProfile: raw.osProfile === undefined ? null : parseOsProfileRef(raw.osProfile, 'osProfile'),
    osUpdate: raw.osUpdate === true,
  };
}

export function parseClusterRequest(
  raw: RawPlacement & { name: string; template: string; deleteOnDeauthorize?: boolean | undefined; labels?: unknown },
): ClusterRequest {
  if (!DNS_LABEL.test(raw.name)) throw invalidField('name', `name ${JSON.stringify(raw.name)} is not valid; expected ${DNS_LABEL_FORM}`);
  return {
    name: raw.name,
    template: parseTemplateRef(raw.template, 'template'),
    nodes: parseNodeRequests(raw, { joining: false }),
    ...parsePlacement(raw),
    deleteOnDeauthorize: raw.deleteOnDeauthorize === true,
    labels: raw.labels === undefined ? {} : readLabels(raw.labels, 'labels'),
  };
}
