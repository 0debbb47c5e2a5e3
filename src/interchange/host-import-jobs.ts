/**
 * The rows of an EMF bulk-import CSV (host-csv.ts) as registration jobs: one request body per
 * (autoProvision, autoCluster) pair, each row's OSProfile resolved against the project's OS profiles, and the
 * command's flags applied as orch-cli applies them (docs/csv.md).
 */
import { deriveClusterName } from '../domain/registration/registration-request.ts';
import { formatTemplateRef, type TemplateRef } from '../domain/inventory/template.ts';
import {
  createBoundedProblems,
  createHostCsvNotes,
  MAX_LISTED_PROBLEMS,
  type HostCsvColumn,
  type HostCsvError,
  type HostCsvNote,
  type HostCsvNotes,
  type HostCsvRow,
} from './host-csv-format.ts';
import { resolveOsProfileRef, type OsProfileRefTarget } from './os-profile-ref.ts';

/** The command's flags. */
export interface HostImportOptions {
  /** --os-profile, resolved: replaces every row's OSProfile, as orch-cli's flag does. */
  osProfile: OsProfileRefTarget | null;
  /** --template: the template of rows with a cluster whose K8sClusterTemplate is empty. */
  template: TemplateRef | null;
  autoProvision: boolean;
  autoCluster: boolean;
  atomic: boolean;
  /** The project's OS profiles, which OSProfile cells are resolved against. */
  profiles: readonly OsProfileRefTarget[];
}

/** The security feature orch-cli requires of a row's OS profile when Secure is true. */
export const SECURE_FEATURE = 'SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION';

const NOTES = {
  osProfileFlag: "--os-profile replaces this OSProfile, as orch-cli's --os-profile does",
  clusterCellsIgnored:
    'K8sClusterTemplate or K8sConfig is set but the row gets no cluster (K8sEnable is not true), so they are ignored, as orch-cli ignores them',
  clusterName:
    'the cluster has no name: in K8sConfig, so edge-orch names it <host name>-cluster (orch-cli names it cluster-<host resource id>)',
  secureUnknown:
    'Secure is true but the OS profile does not say which security feature it has, so edge-orch cannot check it (orch-cli needs SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION)',
} as const;

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
  maxListedProblems = MAX_LISTED_PROBLEMS,
): { jobs: HostImportJob[]; errors: HostCsvError[]; errorCount: number; notes: HostCsvNote[] } {
  const problems = createBoundedProblems(maxListedProblems);
  const notes = createHostCsvNotes();
  const groups = new Map<string, HostCsvRow[]>();
  const profileOf = new Map<number, string>();
  const clusterLine = new Map<string, number>();
  for (const row of rows) {
    const cluster = row.k8sEnable ?? options.autoCluster;
    const why = row.k8sEnable === null ? '--auto-cluster was given' : 'K8sEnable is true';
    const provision = cluster || options.autoProvision || row.osProfile !== null;
    const problem = (column: HostCsvColumn, message: string): void => problems.add({ line: row.line, column, message });
    const profile = provision ? rowProfile(row, options, problem, notes) : null;
    if (profile && row.cells.Secure.trim().toLowerCase() === 'true') {
      if (profile.securityFeature === undefined || profile.securityFeature === null)
        notes.add('secureUnknown', 'Secure', row.line, NOTES.secureUnknown);
      else if (profile.securityFeature !== SECURE_FEATURE) {
        problem(
          'Secure',
          `is true but OS profile ${profile.name} has security feature ${profile.securityFeature}, not ${SECURE_FEATURE}; set Secure to false or choose a profile that has it (orch-cli refuses this row too)`,
        );
      }
    }
    if (profile && profile !== options.osProfile) profileOf.set(row.line, profile.name);
    if (provision && row.osProfile === null && options.osProfile === null) {
      problem(
        'OSProfile',
        `is empty and no --os-profile was given; this row is provisioned because ${cluster ? `it gets a cluster (${why})` : '--auto-provision was given'}`,
      );
    }
    if (cluster && row.template === null && options.template === null)
      problem('K8sClusterTemplate', `is empty and no --template was given; this row gets a cluster because ${why}`);
    if (!cluster && (row.cells.K8sClusterTemplate.trim() !== '' || row.cells.K8sConfig.trim() !== ''))
      notes.add('clusterCellsIgnored', null, row.line, NOTES.clusterCellsIgnored);
    // Rows joining a cluster (role controlplane or worker) share its name; the server checks each join.
    if (cluster && !row.cluster?.role) {
      if (!row.cluster?.name) notes.add('clusterName', 'K8sConfig', row.line, NOTES.clusterName);
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
  const errors = problems.listed.sort((a, b) => a.line - b.line);
  if (problems.count() > 0) return { jobs: [], errors, errorCount: problems.count(), notes: notes.list() };
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
            ...(autoProvision && options.osProfile ? { osProfile: options.osProfile.name } : {}),
            ...(autoCluster && options.template ? { template: formatTemplateRef(options.template) } : {}),
            autoProvision,
            autoCluster,
            atomic: options.atomic,
          },
          hosts: chunk.map((row) => renderHostInput(row, autoProvision, autoCluster, profileOf.get(row.line) ?? null)),
        },
      });
    }
  }
  return { jobs, errors, errorCount: 0, notes: notes.list() };
}

/** The row's OS profile: --os-profile when given (noting a cell it replaces), else the cell resolved. */
function rowProfile(
  row: HostCsvRow,
  options: HostImportOptions,
  problem: (column: HostCsvColumn, message: string) => void,
  notes: HostCsvNotes,
): OsProfileRefTarget | null {
  const flag = options.osProfile;
  if (flag) {
    if (row.osProfile !== null && row.osProfile !== flag.name && row.osProfile !== flag.displayName && row.osProfile !== flag.resourceId)
      notes.add('osProfileFlag', 'OSProfile', row.line, NOTES.osProfileFlag);
    return flag;
  }
  if (row.osProfile === null) return null;
  const resolved = resolveOsProfileRef(row.osProfile, options.profiles);
  if (resolved.ok) return resolved.value;
  for (const message of resolved.problems) problem('OSProfile', message);
  return null;
}

function renderHostInput(row: HostCsvRow, provision: boolean, cluster: boolean, osProfile: string | null): Record<string, unknown> {
  const { uuid, serial, site, labels } = row.registration;
  const clusterInput =
    cluster && row.cluster
      ? {
          ...(row.cluster.name ? { name: row.cluster.name } : {}),
          ...(Object.keys(row.cluster.labels).length ? { labels: row.cluster.labels } : {}),
          ...(row.cluster.role ? { role: row.cluster.role } : {}),
        }
      : null;
  return {
    ...(uuid ? { uuid } : {}),
    ...(serial ? { serial } : {}),
    ...(site ? { site } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(provision && osProfile ? { osProfile } : {}),
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
