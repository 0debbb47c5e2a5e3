/**
 * The rows of an EMF bulk-import CSV (host-csv.ts) as registration jobs: one request body per
 * (autoProvision, autoCluster) pair, with the command's flags as defaults for the cells a row leaves empty.
 */
import { deriveClusterName } from '../domain/registration/registration-request.ts';
import { formatTemplateRef, type TemplateRef } from '../domain/inventory/template.ts';
import type { HostCsvColumn, HostCsvError, HostCsvRow } from './host-csv.ts';

/** The command's flags: defaults for rows that leave OSProfile, K8sClusterTemplate or K8sEnable empty. */
export interface HostImportOptions {
  osProfile: string | null;
  template: TemplateRef | null;
  autoProvision: boolean;
  autoCluster: boolean;
  atomic: boolean;
}

/** One registration request (the wire body of POST …/registrations) and the rows its hosts come from. */
export interface HostImportJob {
  rows: HostCsvRow[];
  body: {
    defaults: { osProfile?: string; template?: string; autoProvision: boolean; autoCluster: boolean; atomic: boolean };
    hosts: Record<string, unknown>[];
  };
}

/**
 * Splits the rows into registration jobs, one per (autoProvision, autoCluster) pair and at most `maxHosts`
 * rows each. A row gets a cluster when K8sEnable is true, or empty and --auto-cluster; it is provisioned when
 * it gets a cluster, names an OSProfile, or --auto-provision. Rows that lack what that needs are errors.
 */
export function computeHostImportJobs(
  rows: readonly HostCsvRow[],
  options: HostImportOptions,
  maxHosts: number,
): { jobs: HostImportJob[]; errors: HostCsvError[] } {
  const errors: HostCsvError[] = [];
  const groups = new Map<string, HostCsvRow[]>();
  const clusterLine = new Map<string, number>();
  for (const row of rows) {
    const cluster = row.k8sEnable ?? options.autoCluster;
    const why = row.k8sEnable === null ? '--auto-cluster was given' : 'K8sEnable is true';
    const provision = cluster || options.autoProvision || row.osProfile !== null;
    const problem = (column: HostCsvColumn, message: string): void => {
      errors.push({ line: row.line, column, message });
    };
    if (provision && row.osProfile === null && options.osProfile === null) {
      problem(
        'OSProfile',
        `is empty and no --os-profile was given; this row is provisioned because ${cluster ? `it gets a cluster (${why})` : '--auto-provision was given'}`,
      );
    }
    if (cluster && row.template === null && options.template === null)
      problem('K8sClusterTemplate', `is empty and no --template was given; this row gets a cluster because ${why}`);
    for (const column of ['K8sClusterTemplate', 'K8sConfig'] as const) {
      if (!cluster && row.cells[column].trim() !== '') {
        problem(
          column,
          `is set but this row gets no cluster (${row.k8sEnable === false ? 'K8sEnable is false' : 'K8sEnable is empty and --auto-cluster was not given'}); set K8sEnable to true or clear ${column}`,
        );
      }
    }
    if (cluster) {
      const name = row.cluster?.name ?? deriveClusterName(row.registration.name);
      const earlier = clusterLine.get(name);
      if (earlier !== undefined)
        problem('K8sConfig', `cluster name ${name} is also used on line ${earlier}; give each cluster its own name:…`);
      else clusterLine.set(name, row.line);
    }
    const group = groups.get(`${provision}/${cluster}`);
    if (group) group.push(row);
    else groups.set(`${provision}/${cluster}`, [row]);
  }
  if (errors.length > 0) return { jobs: [], errors: errors.sort((a, b) => a.line - b.line) };
  const jobs: HostImportJob[] = [];
  // Cluster jobs first: a role without clusters:write is refused (403) before anything else was submitted.
  for (const key of ['true/true', 'true/false', 'false/false']) {
    const group = groups.get(key) ?? [];
    const [autoProvision, autoCluster] = key.split('/').map((v) => v === 'true') as [boolean, boolean];
    for (let start = 0; start < group.length; start += maxHosts) {
      const chunk = group.slice(start, start + maxHosts);
      jobs.push({
        rows: chunk,
        body: {
          defaults: {
            ...(autoProvision && options.osProfile ? { osProfile: options.osProfile } : {}),
            ...(autoCluster && options.template ? { template: formatTemplateRef(options.template) } : {}),
            autoProvision,
            autoCluster,
            atomic: options.atomic,
          },
          hosts: chunk.map((row) => renderHostInput(row, autoProvision, autoCluster)),
        },
      });
    }
  }
  return { jobs, errors };
}

function renderHostInput(row: HostCsvRow, provision: boolean, cluster: boolean): Record<string, unknown> {
  const { uuid, serial, site, labels } = row.registration;
  const clusterInput =
    cluster && row.cluster
      ? {
          ...(row.cluster.name ? { name: row.cluster.name } : {}),
          ...(Object.keys(row.cluster.labels).length ? { labels: row.cluster.labels } : {}),
        }
      : null;
  return {
    ...(uuid ? { uuid } : {}),
    ...(serial ? { serial } : {}),
    ...(site ? { site } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(provision && row.osProfile ? { osProfile: row.osProfile } : {}),
    ...(cluster && row.template ? { template: formatTemplateRef(row.template) } : {}),
    ...(clusterInput && Object.keys(clusterInput).length ? { cluster: clusterInput } : {}),
  };
}

/** One entry of the `errors` of the server's 400 for a registration: `host` is the host's index in the job. */
export interface RefusedHost {
  field: string;
  message: string;
  host?: number;
}

/** The server's refusal of a job, one line per problem: on the host's CSV line when it names a host of the job. */
export function formatRefusedHosts(job: HostImportJob, refused: readonly RefusedHost[]): string[] {
  return refused.map(({ field, message, host }) => {
    const row = host === undefined ? undefined : job.rows[host];
    return row ? `line ${row.line}: ${message}` : `${field}: ${message}`;
  });
}
