/**
 * Kysely table types. Structured values (labels, profile and template documents, cluster nodes) are JSON
 * text on both engines, so the same queries run everywhere; columns that are filtered or unique are real columns.
 */
import type { Generated, Kysely } from 'kysely';

export interface ProjectTable {
  name: string;
  created_at: string;
  /** 1: hosts onboard when their agent enrolls; 0: they wait for an onboarding manager's approval. */
  auto_onboard: Generated<number>;
}

export interface ApiTokenTable {
  id: string;
  project: string;
  role: string;
  name: string;
  secret_hash: string;
  created_at: string;
  expires_at: string | null;
}

/** One version of an OS profile (migration 0005): name and version identify it. */
export interface OsProfileVersionTable {
  project: string;
  name: string;
  version: string;
  /** EMF's OS resource id, unique in the project. */
  resource_id: string;
  /** The whole OsProfile as JSON. */
  doc: string;
  created_at: string;
  /** osProfileVersionSortKey(version): the list's order and cursor (compared in code-point order). */
  version_key: string;
}

export interface TemplateTable {
  project: string;
  name: string;
  version: string;
  flavor: string;
  kubernetes_version: string;
  /** The ClusterTemplate as JSON, its control plane as imported, without `config`. */
  doc: string;
  /** The ClusterTemplate's `config` (ControlPlaneConfig) as JSON: the control plane as parsed at import. */
  config: string;
  created_at: string;
  /** templateVersionSortKey(version): the list's order and cursor (compared in code-point order). */
  version_key: string;
}

export interface HostTable {
  /** Time-ordered (see create-id.ts): the cursor order. */
  id: string;
  project: string;
  name: string;
  uuid: string | null;
  serial: string | null;
  site: string | null;
  labels: string;
  state: string;
  /** 1 or 0 overrides the project's auto_onboard; null follows it. */
  auto_onboard: number | null;
  created_at: string;
  updated_at: string;
}

export interface InstanceTable {
  id: string;
  project: string;
  host_id: string;
  os_profile: string;
  /** The exact version of os_profile, resolved when the instance was created. */
  os_profile_version: string;
  observed_os_profile: string | null;
  /** The image version the agent reported (migration 0009). */
  observed_os_version: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClusterTable {
  id: string;
  project: string;
  name: string;
  template_name: string;
  template_version: string;
  os_profile: string;
  phase: string;
  /** The rest of the Cluster (flavor, version, airGapped, labels, ...) as JSON. */
  doc: string;
  /** Sealed (secret-box.ts); text stored before encryption until openStore reseals it. */
  kubeconfig: string | null;
  /** The token nodes join with, sealed (migration 0009); null for a cluster stored before until it is read. */
  join_token: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClusterNodeTable {
  project: string;
  host_id: string;
  cluster_id: string;
  role: string;
  position: number;
  /** The phase the node's agent last reported (migration 0009); null before its first report. */
  phase: string | null;
}

/** A K3s cleanup a host owes after leaving a cluster (migration 0010). */
export interface HostCleanupTable {
  project: string;
  host_id: string;
  /** The cluster it left. */
  cluster: string;
  created_at: string;
}

export interface EnrollmentTokenTable {
  id: string;
  project: string;
  name: string;
  secret_hash: string;
  created_at: string;
  expires_at: string | null;
  /** Null: any number of enrollments. */
  max_uses: number | null;
  /** Enrollments that got a credential with this token. */
  uses: Generated<number>;
}

export interface AuditEventTable {
  /** Time-ordered (see create-id.ts): the cursor order. */
  id: string;
  project: string;
  at: string;
  actor_kind: string;
  token_id: string | null;
  token_name: string | null;
  role: string | null;
  action: string;
  /** The path parameters naming what was changed, and the created resource, as JSON. */
  target: string;
  status: number;
  outcome: string;
  request_id: string;
}

/** An unknown machine waiting in the onboarding lobby (migration 0015); approved requests are deleted. */
export interface OnboardingRequestTable {
  /** Time-ordered (see create-id.ts): the cursor order. */
  id: string;
  project: string;
  /** `<uuid>/<serial>`: one request per machine and project. */
  lobby_key: string;
  uuid: string | null;
  serial: string | null;
  /** MachineFacts as JSON, cleaned. */
  facts: string;
  state: string;
  token_id: string;
  token_name: string;
  first_seen_at: string;
  last_seen_at: string;
}

/** A host's last agent report (migration 0015), replaced by each report. */
export interface HostReportTable {
  host_id: string;
  project: string;
  reported_at: string;
  /** LastReport without reportedAt, as JSON. */
  doc: string;
}

export interface HostCredentialTable {
  host_id: string;
  project: string;
  secret_hash: string;
  created_at: string;
  /** ISO time after which the credential is refused; null for a credential issued before credentials expired. */
  expires_at: string | null;
}

export interface RegistrationJobTable {
  id: string;
  project: string;
  /** RegistrationOptions as JSON. */
  options: string;
  /** `{osProfile, template}` as JSON. */
  defaults: string;
  host_count: number;
  created_at: string;
}

export interface RegistrationHostTable {
  /** `<job id>:<index>`. */
  key: string;
  job_id: string;
  project: string;
  idx: number;
  status: string;
  /** Each step's status, null when the job does not run it. */
  register_host: string | null;
  create_instance: string | null;
  create_cluster: string | null;
  /** HostPlan as JSON. */
  plan: string;
  /** HostProgress as JSON. */
  progress: string;
  lease_owner: string | null;
  /** ISO time after which another worker may take the host. */
  lease_until: string | null;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** A project's cluster driver and management cluster (migration 0012); no row: the agent driver, none named. */
export interface ManagementClusterTable {
  project: string;
  cluster_driver: string;
  /** Sealed (secret-box.ts); null while no management cluster is named. */
  kubeconfig: string | null;
  server: string | null;
  namespace: string | null;
  updated_at: string;
}

/**
 * Per registration job, how many of its hosts have `value` in the column `field` (status, register_host,
 * create_instance, create_cluster); kept by triggers on registration_hosts (migration 0013).
 */
export interface RegistrationJobCountTable {
  job_id: string;
  field: string;
  value: string;
  n: number;
}

export interface Database {
  projects: ProjectTable;
  api_tokens: ApiTokenTable;
  os_profile_versions: OsProfileVersionTable;
  templates: TemplateTable;
  hosts: HostTable;
  instances: InstanceTable;
  clusters: ClusterTable;
  cluster_nodes: ClusterNodeTable;
  host_cleanups: HostCleanupTable;
  enrollment_tokens: EnrollmentTokenTable;
  host_credentials: HostCredentialTable;
  registration_jobs: RegistrationJobTable;
  registration_hosts: RegistrationHostTable;
  registration_job_counts: RegistrationJobCountTable;
  audit_events: AuditEventTable;
  management_clusters: ManagementClusterTable;
  onboarding_requests: OnboardingRequestTable;
  host_reports: HostReportTable;
}

export type Db = Kysely<Database>;
