/**
 * The store: the one interface every caller uses, whatever the engine (SQLite by default, PostgreSQL for
 * replicas). One sub-store per aggregate. Methods translate engine errors into AppErrors: a unique violation
 * becomes AlreadyExists naming the existing row, a missing row NotFound. Every call is scoped to a project.
 */
import type { Cluster, ClusterNode } from '../domain/inventory/cluster.ts';
import type { Host, HostRegistration, HostState } from '../domain/inventory/host.ts';
import type { Instance } from '../domain/inventory/instance.ts';
import type { OsProfile, OsProfileRef } from '../domain/inventory/os-profile.ts';
import type { ClusterTemplate, TemplateRef } from '../domain/inventory/template.ts';
import type { Role } from '../domain/roles.ts';
import type { AgentStore } from './agent-store.ts';
import type { AuditStore } from './audit-store.ts';
import type { JobStore } from './job-store.ts';

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
  /** By name, the latest version first. */
  list(project: string, filter?: { name?: string | undefined }): Promise<OsProfile[]>;
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
  list(project: string, filter?: TemplateFilter): Promise<ClusterTemplate[]>;
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
  get(project: string, id: string): Promise<Host>;
  find(project: string, id: string): Promise<Host | null>;
  findByIdentity(project: string, identity: { uuid: string | null; serial: string | null }): Promise<Host | null>;
  findByName(project: string, name: string): Promise<Host | null>;
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
  findByHost(project: string, hostId: string): Promise<Instance | null>;
  list(project: string, page?: PageRequest): Promise<Page<Instance>>;
  setObserved(project: string, id: string, observedOsProfile: string | null): Promise<Instance>;
  delete(project: string, id: string): Promise<void>;
}

export type NewCluster = Omit<Cluster, 'id' | 'project' | 'createdAt' | 'updatedAt'>;

export interface ClusterStore {
  /** AlreadyExists when the name is taken, or when a host is already a node of another cluster. */
  create(project: string, cluster: NewCluster): Promise<Cluster>;
  get(project: string, name: string): Promise<Cluster>;
  find(project: string, name: string): Promise<Cluster | null>;
  findByHost(project: string, hostId: string): Promise<Cluster | null>;
  list(project: string, page?: PageRequest): Promise<Page<Cluster>>;
  update(project: string, name: string, patch: Partial<Pick<Cluster, 'phase' | 'message' | 'nodes' | 'labels'>>): Promise<Cluster>;
  setKubeconfig(project: string, name: string, kubeconfig: string): Promise<void>;
  getKubeconfig(project: string, name: string): Promise<string | null>;
  /** Seals under the current key every kubeconfig stored in clear or under a previous key; how many it changed. */
  resealSecrets(): Promise<number>;
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
  /** The audit log (see audit-store.ts). */
  readonly audit: AuditStore;
  /** Registration jobs (see job-store.ts). */
  readonly jobs: JobStore;
  /** Runs fn in one database transaction; the store it receives is bound to it. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type { ClusterNode };
export type { ClaimedHost, RegistrationHostRecord, RegistrationJob } from './job-store.ts';
