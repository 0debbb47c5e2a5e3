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

  it('waits after an allowed upgrade until the host reports the new image, then installs the version the cluster records', () => {
    const newer = { ...emt, version: '3.1', kubernetes: { ...emt.kubernetes!, version: 'v1.32.5+k3s1' } };
    const waiting = computeDesiredState({
      host: host(),
      instance: instance('microvisor-nonrt'),
      cluster: cluster('ready'),
      template: v004,
      osProfile: newer,
    });
    expect(waiting.action).toEqual({
      kind: 'wait',
      cluster: 'edge-1',
      message:
        'waiting for host edge-host-1 to report OS profile microvisor-nonrt:3.1 with K3s v1.32.5+k3s1; cluster edge-1 runs v1.32.4+k3s1 until then',
    });
    const upgraded = { ...cluster('ready'), kubernetesVersion: 'v1.32.5+k3s1' };
    const state = computeDesiredState({
      host: host(),
      instance: instance('microvisor-nonrt'),
      cluster: upgraded,
      template: v004,
      osProfile: newer,
    });
    expect(state.action).toMatchObject({ kind: 'install', plan: { kubernetesVersion: 'v1.32.5+k3s1', mode: 'air-gapped' } });
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

  describe('multi-node joins', () => {
    const trio: Cluster = {
      ...cluster(),
      nodes: [
        { hostId: 'h0', role: 'controlplane' },
        { hostId: 'h1', role: 'worker' },
      ],
    };
    const base = { host: host(), instance: instance('microvisor-nonrt'), cluster: trio, template: v004, osProfile: emt };

    it('makes a worker wait for the first server to be ready, then join its address with the token', () => {
      const waiting = computeDesiredState({ ...base, join: { token: 'f00d', serverUrl: null, firstServer: 'edge-0' } });
      expect(waiting.action).toEqual({
        kind: 'wait',
        cluster: 'edge-1',
        message: 'waiting for the first server edge-0 to be ready before joining it',
      });
      const joining = computeDesiredState({ ...base, join: { token: 'f00d', serverUrl: 'https://10.0.0.5:6443', firstServer: 'edge-0' } });
      expect(joining.action).toMatchObject({
        kind: 'install',
        plan: { role: 'agent', k3sConfig: { server: 'https://10.0.0.5:6443', token: 'f00d' } },
      });
    });

    it('blocks a join to a cluster without a join token, with the reason', () => {
      const state = computeDesiredState({ ...base, join: { token: null, serverUrl: 'https://10.0.0.5:6443', firstServer: 'edge-0' } });
      expect(state.action).toMatchObject({ kind: 'blocked', reason: { code: 'NoJoinToken' } });
    });
  });

  it('asks a host that left a cluster to remove its K3s first, even when it joined another', () => {
    const state = computeDesiredState({
      host: host(),
      instance: instance('microvisor-nonrt'),
      cluster: cluster(),
      template: v004,
      osProfile: emt,
      cleanup: 'old',
    });
    expect(state.action).toEqual({ kind: 'remove', cluster: 'old' });
  });

  it('option 2: asks for the OS update while the host reports another version than its instance records', () => {
    const moving: Instance = { ...instance('microvisor-nonrt'), osProfileVersion: emt.version, observedOsVersion: '3.0.20250101.0000' };
    const running = { ...emt, version: '3.0.20250101.0000' };
    const input = { host: host(), instance: moving, cluster: cluster(), template: v004, osProfile: emt, runningOsProfile: running };
    expect(computeDesiredState(input).action).toMatchObject({ kind: 'blocked', reason: { code: 'OsUpdateNotConfigured' } });
    // A version edge-orch never imported is not one it moves a host from.
    expect(computeDesiredState({ ...input, runningOsProfile: null, osUpdateCommand: ['/bin/upd'] }).action).toMatchObject({
      kind: 'install',
    });
    expect(computeDesiredState({ ...input, osUpdateCommand: ['/bin/upd', '{version}'] }).action).toEqual({
      kind: 'update-os',
      cluster: 'edge-1',
      osProfile: 'microvisor-nonrt',
      version: emt.version,
      argv: ['/bin/upd', emt.version],
    });
    const updated = { ...moving, observedOsVersion: emt.version };
    expect(computeDesiredState({ ...input, instance: updated, osUpdateCommand: ['/bin/upd'] }).action).toMatchObject({ kind: 'install' });
  });
});
