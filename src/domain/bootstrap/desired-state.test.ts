import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../inventory/cluster.ts';
import { computeDesiredState } from './desired-state.ts';
import type { Host } from '../inventory/host.ts';
import type { Instance } from '../inventory/instance.ts';
import { parseInfraCoreProfile } from '../inventory/os-profile.ts';
import { parseTemplate } from '../inventory/template.ts';

const formats = new URL('../../../test/formats/shared/', import.meta.url);
const emt = parseInfraCoreProfile(parse(readFileSync(new URL('os-profiles/microvisor-nonrt.yaml', formats), 'utf8')));
const v004 = parseTemplate(JSON.parse(readFileSync(new URL('templates/baseline-k3s-v0.0.4.json', formats), 'utf8')));
const v010 = parseTemplate(JSON.parse(readFileSync(new URL('templates/baseline-k3s-v0.0.10.json', formats), 'utf8')));

const host = (state: Host['state'] = 'provisioned'): Host => ({
  id: 'h1',
  project: 'p',
  name: 'edge-host-1',
  uuid: null,
  serial: 'S1',
  site: null,
  labels: {},
  state,
  autoOnboard: null,
  createdAt: '',
  updatedAt: '',
});
const instance = (observed: string | null): Instance => ({
  id: 'i1',
  project: 'p',
  hostId: 'h1',
  osProfile: 'microvisor-nonrt',
  osProfileVersion: '1.0',
  observedOsProfile: observed,
  observedOsVersion: null,
  state: 'running',
  createdAt: '',
  updatedAt: '',
});
const cluster = (phase: Cluster['phase'] = 'waiting-for-nodes', template = v004): Cluster => ({
  id: 'c1',
  project: 'p',
  name: 'edge-1',
  template: { name: template.name, version: template.version },
  flavor: 'k3s',
  kubernetesVersion: template.kubernetesVersion,
  osProfile: 'microvisor-nonrt',
  nodes: [{ hostId: 'h1', role: 'all' }],
  airGapped: true,
  airGappedOverride: null,
  driver: 'agent',
  phase,
  message: '',
  labels: {},
  autoCreated: true,
  deletionPolicy: 'delete',
  createdAt: '',
  updatedAt: '',
});

describe('computeDesiredState', () => {
  it("asks a host running the cluster's OS profile to install K3s air-gapped from the embedded version", () => {
    const state = computeDesiredState({
      host: host(),
      instance: instance('microvisor-nonrt'),
      cluster: cluster(),
      template: v004,
      osProfile: emt,
    });
    expect(state.action.kind).toBe('install');
    if (state.action.kind !== 'install') return;
    expect(state.action.plan.mode).toBe('air-gapped');
    expect(state.action.plan.install.skipDownload).toBe(true);
    expect(state).toMatchObject({
      osProfile: 'microvisor-nonrt',
      host: { id: 'h1', name: 'edge-host-1', state: 'provisioned' },
    });
  });

  it("waits while the host does not report the cluster's OS profile yet", () => {
    const state = computeDesiredState({
      host: host('onboarded'),
      instance: instance(null),
      cluster: cluster(),
      template: v004,
      osProfile: emt,
    });
    expect(state.action).toEqual({
      kind: 'wait',
      cluster: 'edge-1',
      message: 'waiting for host edge-host-1 to run OS profile microvisor-nonrt (it reports nothing yet)',
    });
  });

  it('blocks with the compatibility reason when the template no longer matches the image', () => {
    const state = computeDesiredState({
      host: host(),
      instance: instance('microvisor-nonrt'),
      cluster: cluster('waiting-for-nodes', v010),
      template: v010,
      osProfile: emt,
    });
    expect(state.action).toMatchObject({ kind: 'blocked', cluster: 'edge-1', reason: { code: 'K3sVersionMismatch' } });
  });

  it('asks for removal when the cluster is being deleted or the host is deauthorized', () => {
    expect(
      computeDesiredState({
        host: host(),
        instance: instance('microvisor-nonrt'),
        cluster: cluster('deleting'),
        template: v004,
        osProfile: emt,
      }).action,
    ).toEqual({ kind: 'remove', cluster: 'edge-1' });
    expect(
      computeDesiredState({ host: host('deauthorized'), instance: null, cluster: null, template: null, osProfile: null }).action,
    ).toEqual({ kind: 'remove', cluster: null });
  });

  it('has nothing to do for a host without a cluster', () => {
    expect(
      computeDesiredState({
        host: host(),
        instance: instance('microvisor-nonrt'),
        cluster: null,
        template: null,
        osProfile: null,
      }).action,
    ).toEqual({ kind: 'none' });
  });
});
