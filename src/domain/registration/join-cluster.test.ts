import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../inventory/cluster.ts';
import { parseOsProfileDocument } from '../inventory/os-profile.ts';
import { parseTemplate } from '../inventory/template.ts';
import { computeJoinDecision } from './join-cluster.ts';

const shared = (path: string): string => readFileSync(new URL(`../../../test/formats/shared/${path}`, import.meta.url), 'utf8');
const emt = parseOsProfileDocument(shared('os-profiles/microvisor-nonrt.yaml'));
const ubuntu = parseOsProfileDocument(shared('os-profiles/ubuntu-22.04-lts-generic.yaml'));
const v004 = parseTemplate(JSON.parse(shared('templates/baseline-k3s-v0.0.4.json')));

const plant: Cluster = {
  id: 'c1',
  project: 'p',
  name: 'plant',
  template: { name: v004.name, version: v004.version },
  flavor: 'k3s',
  kubernetesVersion: 'v1.32.4+k3s1',
  osProfile: emt.name,
  nodes: [{ hostId: 's1', role: 'controlplane', phase: 'ready' }],
  airGapped: true,
  airGappedOverride: null,
  driver: 'agent',
  phase: 'ready',
  message: '',
  labels: {},
  autoCreated: false,
  deletionPolicy: 'delete',
  createdAt: '',
  updatedAt: '',
};
const join = (more: Partial<Parameters<typeof computeJoinDecision>[0]> = {}) =>
  computeJoinDecision({
    host: { id: 'h2', name: 'edge-2' },
    role: 'worker',
    name: 'plant',
    template: { name: v004.name, version: v004.version },
    profile: emt,
    byHost: null,
    byName: plant,
    clusterTemplate: v004,
    ...more,
  });

describe('computeJoinDecision', () => {
  it('adds the host after the existing nodes, which keep their roles', () => {
    expect(join()).toEqual({
      kind: 'join',
      nodes: [
        { hostId: 's1', role: 'controlplane' },
        { hostId: 'h2', role: 'worker' },
      ],
      airGapped: true,
    });
  });

  it('adds a host of another OS profile that embeds no K3s: it downloads the cluster’s version', () => {
    expect(join({ profile: ubuntu })).toMatchObject({ kind: 'join', airGapped: false });
  });

  it('counts a host already in the cluster as done, and refuses a host of another cluster', () => {
    expect(join({ byHost: plant })).toMatchObject({ kind: 'exists', reason: { code: 'AlreadyInCluster' } });
    expect(join({ byHost: { ...plant, name: 'other' } })).toMatchObject({ kind: 'fail', reason: { code: 'ClusterConflict' } });
  });

  it('fails for a cluster that does not exist, another template, an image embedding another K3s, a second server and an unfinished upgrade', () => {
    expect(join({ byName: null })).toMatchObject({
      kind: 'fail',
      reason: { code: 'NotFound', message: expect.stringContaining('does not exist') },
    });
    expect(join({ template: { name: v004.name, version: 'v9.9.9' } })).toMatchObject({ reason: { code: 'ClusterConflict' } });
    const emtNext = { ...emt, version: '3.1', kubernetes: { ...emt.kubernetes!, version: 'v1.33.5+k3s1' } };
    expect(join({ profile: emtNext })).toMatchObject({
      kind: 'fail',
      reason: { code: 'NodeVersionDiffers', details: { kubernetesVersion: 'v1.33.5+k3s1', clusterVersion: 'v1.32.4+k3s1' } },
    });
    expect(join({ role: 'controlplane' })).toMatchObject({
      reason: { code: 'InvalidState', message: expect.stringContaining('1 or 3 servers') },
    });
    const upgrade = {
      osProfile: { name: emt.name, version: '3.1' },
      fromVersion: 'v1.32.4+k3s1',
      kubernetesVersion: 'v1.33.5+k3s1',
      state: 'rolling' as const,
      steps: [{ hostId: 's1', method: 'update-os' as const, state: 'moving' as const }],
      failure: null,
      startedAt: '',
      finishedAt: null,
    };
    expect(join({ byName: { ...plant, upgrade } })).toMatchObject({ kind: 'fail', reason: { code: 'UpgradeInProgress' } });
  });
});
