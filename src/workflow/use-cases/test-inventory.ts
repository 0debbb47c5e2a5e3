/** Builders for the use-cases' tests: a fresh in-memory store with a project, hosts and clusters. */
import { readFileSync } from 'node:fs';
import type { Cluster, ClusterNode } from '../../domain/inventory/cluster.ts';
import type { Host } from '../../domain/inventory/host.ts';
import { parseOsProfileDocument } from '../../domain/inventory/os-profile.ts';
import { parseTemplate } from '../../domain/inventory/template.ts';
import { openStore } from '../../store/open-store.ts';
import { createEphemeralKeyring } from '../../store/secret-box.ts';
import type { Store } from '../../store/store.ts';
import { HostEvents } from '../host-events.ts';
import { WorkSignal } from '../work-signal.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export const PROJECT = 'alpha';

/** Use-case dependencies on a new SQLite store in memory, with project PROJECT. */
export async function createTestDeps(): Promise<UseCaseDeps> {
  const store = await openStore({ engine: 'sqlite', file: ':memory:', secrets: createEphemeralKeyring() });
  await store.projects.ensure(PROJECT);
  return { store, events: new HostEvents(), work: new WorkSignal() };
}

const sharedFormat = (path: string): string => readFileSync(new URL(`../../../test/formats/shared/${path}`, import.meta.url), 'utf8');

/** The shared EMT profile with embedded K3s (microvisor-nonrt), which instances and clusters name. */
export async function addOsProfile(store: Store): Promise<void> {
  await store.osProfiles.create(PROJECT, parseOsProfileDocument(sharedFormat('os-profiles/microvisor-nonrt.yaml')));
}

/** The shared template baseline-k3s v0.0.4, which clusters name. */
export async function addTemplate(store: Store): Promise<void> {
  await store.templates.create(PROJECT, parseTemplate(JSON.parse(sharedFormat('templates/baseline-k3s-v0.0.4.json'))));
}

export function addHost(store: Store, serial: string): Promise<Host> {
  return store.hosts.register(PROJECT, { name: `host-${serial.toLowerCase()}`, uuid: null, serial, site: null, labels: {} });
}

export function addCluster(store: Store, name: string, hosts: Host[], changes: Partial<Pick<Cluster, 'phase'>> = {}): Promise<Cluster> {
  const nodes: ClusterNode[] = hosts.map((h) => ({ hostId: h.id, role: 'all' }));
  return store.clusters.create(PROJECT, {
    name,
    template: { name: 'baseline-k3s', version: 'v0.0.4' },
    flavor: 'k3s',
    kubernetesVersion: 'v1.32.4+k3s1',
    osProfile: 'microvisor-nonrt',
    nodes,
    airGapped: true,
    airGappedOverride: null,
    driver: 'agent',
    phase: 'waiting-for-nodes',
    message: '',
    labels: {},
    autoCreated: false,
    deletionPolicy: 'delete',
    ...changes,
  });
}

/** The hosts `events.changed` is told about, in order. */
export function recordChanges(events: HostEvents): string[] {
  const changed: string[] = [];
  const original = events.changed.bind(events);
  events.changed = (project, hostId) => {
    changed.push(hostId);
    original(project, hostId);
  };
  return changed;
}
