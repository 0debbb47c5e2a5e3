/**
 * The store: the one interface every caller uses, whatever the engine (SQLite by default, PostgreSQL for
 * replicas). One sub-store per aggregate. Methods translate engine errors into AppErrors: a unique violation
 * becomes AlreadyExists naming the existing row, a missing row NotFound. Every call is scoped to a project.
 */
import type { Cluster, ClusterNode, NodePhase } from '../domain/inventory/cluster.ts';
import type { Host, HostRegistration, HostState } from '../domain/inventory/host.ts';
import type { Instance } from '../domain/inventory/instance.ts';
import type { OsProfile, OsProfileRef } from '../domain/inventory/os-profile.ts';
import type { ClusterTemplate, TemplateRef } from '../domain/inventory/template.ts';
import type { Role } from '../domain/roles.ts';
import type { AgentStore } from './agent-store.ts';
import type { AuditStore } from './audit-store.ts';
import type { HostReportStore } from './host-report-store.ts';
import type { JobStore } from './job-store.ts';
import type { ManagementClusterStore } from './management-cluster-store.ts';
import type { OnboardingRequestStore } from './onboarding-request-store.ts';

export interface Page<T> {
  items: T[];
  /** Opaque; pass it back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  /** 1..500, default 100. */
  limit?: number;
  cursor?: string | null;
}

export interface ProjectStore {
  /** Creates the project if missing (idempotent). */
  ensure(name: string): Promise<void>;
  list(): Promise<string[]>;
  /** Whether its hosts onboard when their agent enrolls (true, also for a project not created yet) or wait for approval. */
  getAutoOnboard(name: string): Promise<boolean>;
  /** Creates the project if missing. */
  setAutoOnboard(name: string, autoOnboard: boolean): Promise<void>;
}

export interface ApiToken {
  id: string;
  project: string;
  role: Role;
  name: string;
  createdAt: string;
  /** Null: it does not expire. */
  expiresAt: string | null;
}

export interface TokenStore {
  /** Stores only the sha256 of the secret. */
  create(input: { project: string; role: Role; name: string; secretHash: string; expiresAt?: string | null }): Promise<ApiToken>;
  findBySecretHash(secretHash: string): Promise<ApiToken | null>;
  /** Ordered by creation (id). */
  list(project: string, page?: PageRequest): Promise<Page<ApiToken>>;
  delete(project: string, id: string): Promise<void>;
}

export interface OsProfileStore {
  /**
   * AlreadyExists (naming the profile) when the name and version are taken in the project; assigns a resource id
   * when the profile has none (AlreadyExists when the one it has is taken).
   */
  create(project: string, profile: OsProfile): Promise<OsProfile>;
  /** A reference without a version is the latest version of the name. */
  get(project: string, ref: OsProfileRef): Promise<OsProfile>;
  find(project: string, ref: OsProfileRef): Promise<OsProfile | null>;
  /** By name (code point order), the latest version first (compareOsProfileVersions); the cursor is a name:version. */
  list(project: string, filter?: { name?: string | undefined }, page?: PageRequest): Promise<Page<OsProfile>>;
  /** Every version of one name, the latest first. */
  versions(project: string, name: string): Promise<OsProfile[]>;
  /** InUse when an instance records this version, or a cluster names the profile and this is its last version. */
  delete(project: string, ref: { name: string; version: string }): Promise<void>;
}

export interface TemplateFilter {
  flavor?: 'k3s' | 'rke2';
  kubernetesVersion?: string;
  name?: string;
}

export interface TemplateStore {
  /** AlreadyExists when name+version is taken (a template version is immutable). */
  create(project: string, template: ClusterTemplate): Promise<ClusterTemplate>;
  get(project: string, ref: TemplateRef): Promise<ClusterTemplate>;
  find(project: string, ref: TemplateRef): Promise<ClusterTemplate | null>;
  /** By name (code point order), then by version (templateVersionSortKey); the cursor is a name:version. */
  list(project: string, filter?: TemplateFilter, page?: PageRequest): Promise<Page<ClusterTemplate>>;
  /** InUse when a cluster uses it. */
  delete(project: string, ref: TemplateRef): Promise<void>;
}

export interface HostFilter {
  state?: HostState;
  site?: string;
  /** Every label must match. */
  labels?: Record<string, string>;
  /** Prefix of the host name. */
  namePrefix?: string;
}

export interface HostStore {
  /** AlreadyExists naming the existing host (id and name) when the uuid, serial or name is taken. */
  register(project: string, registration: HostRegistration): Promise<Host>;
  /**
   * Registers many hosts with multi-row inserts, without looking for clashes first (the caller decided there are
   * none): a taken uuid, serial or name fails the whole call with AlreadyExists. In order.
   */
  registerMany(project: string, registrations: readonly HostRegistration[]): Promise<Host[]>;
  get(project: string, id: string): Promise<Host>;
  find(project: string, id: string): Promise<Host | null>;
  findByIdentity(project: string, identity: { uuid: string | null; serial: string | null }): Promise<Host | null>;
  /**
   * In one statement, every host whose id, name, serial or uuid is the one given (null: not looked for), in no
   * particular order: what a request naming a host may mean (workflow/use-cases/resolve-host.ts decides).
   */
  findByReference(project: string, reference: { id: string; name: string; serial: string | null; uuid: string | null }): Promise<Host[]>;
  /** Every host holding one of the uuids or serials, ordered by id (findByIdentity for many at once). */
  findByIdentities(project: string, identities: readonly { uuid: string | null; serial: string | null }[]): Promise<Host[]>;
  findByNames(project: string, names: readonly string[]): Promise<Host[]>;
  /** Ordered by creation (id), stable under concurrent inserts. */
  list(project: string, filter?: HostFilter, page?: PageRequest): Promise<Page<Host>>;
  update(project: string, id: string, patch: { site?: string | null; labels?: Record<string, string>; name?: string }): Promise<Host>;
  setState(project: string, id: string, state: HostState): Promise<Host>;
  /** InUse while the host is a cluster node; its instance and credential are deleted with it. */
  delete(project: string, id: string): Promise<void>;
}

export interface InstanceStore {
  /** AlreadyExists when the host already has an instance. */
  /** Records the exact version: the reference's, or the latest of its name. */
  create(project: string, input: { hostId: string; osProfile: OsProfileRef }): Promise<Instance>;
  get(project: string, id: string): Promise<Instance>;
  /**
   * One instance per host on an exact profile version, with multi-row inserts and no checks first (the caller
   * resolved the version and decided the hosts have none): a host that has one fails the call with AlreadyExists.
   */
  createMany(project: string, inputs: readonly { hostId: string; osProfile: { name: string; version: string } }[]): Promise<Instance[]>;
  findByHost(project: string, hostId: string): Promise<Instance | null>;
  findByHosts(project: string, hostIds: readonly string[]): Promise<Instance[]>;
  list(project: string, page?: PageRequest): Promise<Page<Instance>>;
  /** What the host's agent reports it runs: the image's name and version (null: not reported). */
  setObserved(project: string, id: string, observedOsProfile: string | null, observedOsVersion?: string | null): Promise<Instance>;
  /** Moves the instance to another OS profile version (an upgrade or an OS update); NotFound when it is not imported. */
  setOsProfile(project: string, id: string, osProfile: { name: string; version: string }): Promise<Instance>;
  delete(project: string, id: string): Promise<void>;
}

export interface ClusterFilter {
  /** Only clusters that are (true) or are not (false) stale: in a STALE_PHASES phase with no change since `cutoff`. */
  stale?: { stale: boolean; cutoff: string };
}

export type NewCluster = Omit<Cluster, 'id' | 'project' | 'createdAt' | 'updatedAt'>;

export interface ClusterStore {
  /**
   * Checks the nodes (NotFound for a missing host, AlreadyExists for a host already a node of a cluster) before it
   * writes anything, then claims them: of concurrent creates naming one host, one succeeds and the others get
   * AlreadyExists. AlreadyExists as well when the name is taken. The cluster gets a new join token.
   */
  create(project: string, cluster: NewCluster): Promise<Cluster>;
  get(project: string, name: string): Promise<Cluster>;
  find(project: string, name: string): Promise<Cluster | null>;
  findByHost(project: string, hostId: string): Promise<Cluster | null>;
  /**
   * Creates many clusters and their nodes with multi-row inserts and no checks first (the caller decided the names
   * are free and the hosts in no cluster): a taken name or node fails the call with AlreadyExists. In order.
   */
  createMany(project: string, clusters: readonly NewCluster[]): Promise<Cluster[]>;
  /** The clusters with one of the names. */
  findByNames(project: string, names: readonly string[]): Promise<Cluster[]>;
  /** The clusters that have one of the hosts as a node. */
  findByHosts(project: string, hostIds: readonly string[]): Promise<Cluster[]>;
  list(project: string, page?: PageRequest, filter?: ClusterFilter): Promise<Page<Cluster>>;
  /** `nodes` replaces the node list: new hosts are checked and claimed as in create; kept nodes keep their phase. */
  update(
    project: string,
    name: string,
    patch: Partial<Pick<Cluster, 'phase' | 'message' | 'nodes' | 'labels' | 'kubernetesVersion' | 'reason' | 'airGapped' | 'upgrade'>>,
  ): Promise<Cluster>;
  /** Appends nodes (checked and claimed as in create); concurrent calls for one cluster append one after the other. */
  addNodes(project: string, name: string, nodes: ClusterNode[]): Promise<Cluster>;
  /** Reads the cluster holding its row until the transaction ends, so concurrent changes of it run one after the other. */
  lock(project: string, name: string): Promise<Cluster>;
  /** Records what the node's agent reported. */
  setNodePhase(project: string, name: string, hostId: string, phase: NodePhase): Promise<void>;
  /**
   * The token nodes join with; null for a cluster stored before join tokens, whose first server generated its own
   * (giving it one now would make K3s refuse to start), so no node can join it.
   */
  getJoinToken(project: string, name: string): Promise<string | null>;
  /** Records that `hostId` owes a K3s cleanup for `cluster` (it left while its agent may be away). */
  recordCleanup(project: string, hostId: string, cluster: string): Promise<void>;
  /** The cluster whose K3s the host still has to remove, or null. */
  findCleanup(project: string, hostId: string): Promise<string | null>;
  clearCleanup(project: string, hostId: string): Promise<void>;
  setKubeconfig(project: string, name: string, kubeconfig: string): Promise<void>;
  getKubeconfig(project: string, name: string): Promise<string | null>;
  /** Seals under the current key every kubeconfig and join token stored in clear or under a previous key; how many it changed. */
  resealSecrets(): Promise<number>;
  /** How many kubeconfigs and join tokens are stored, and how many of them are sealed under the current key. */
  countSecrets(): Promise<{ total: number; underCurrentKey: number }>;
  delete(project: string, name: string): Promise<void>;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly projects: ProjectStore;
  readonly tokens: TokenStore;
  readonly osProfiles: OsProfileStore;
  readonly templates: TemplateStore;
  readonly hosts: HostStore;
  readonly instances: InstanceStore;
  readonly clusters: ClusterStore;
  readonly agents: AgentStore;
  /** The onboarding lobby of unknown machines (see onboarding-request-store.ts). */
  readonly onboardingRequests: OnboardingRequestStore;
  /** Each host's last agent report. */
  readonly hostReports: HostReportStore;
  /** The audit log (see audit-store.ts). */
  readonly audit: AuditStore;
  /** Registration jobs (see job-store.ts). */
  readonly jobs: JobStore;
  /** Projects' cluster drivers and Cluster API management clusters (see management-cluster-store.ts). */
  readonly managementClusters: ManagementClusterStore;
  /** Runs fn in one database transaction; the store it receives is bound to it. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type { ClusterNode };
export type { ClaimedHost, RegistrationHostRecord, RegistrationJob } from './job-store.ts';
