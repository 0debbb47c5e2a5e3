import { describe, expect, it } from 'vitest';
import { computeReportEffects, parseAgentReport, type AgentReport } from './agent-report.ts';
import type { Cluster } from '../inventory/cluster.ts';
import type { Host } from '../inventory/host.ts';
import type { Instance } from '../inventory/instance.ts';

const host = (state: Host['state']): Host => ({
  id: 'h1',
  project: 'p',
  name: 'h1',
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
  osProfile: 'emt',
  osProfileVersion: '1.0',
  observedOsProfile: observed,
  observedOsVersion: observed === null ? null : '1',
  state: 'provisioning',
  createdAt: '',
  updatedAt: '',
});
const cluster = (phase: Cluster['phase']): Cluster => ({
  id: 'c1',
  project: 'p',
  name: 'edge-1',
  template: { name: 't', version: 'v0.0.1' },
  flavor: 'k3s',
  kubernetesVersion: 'v1.32.4+k3s1',
  osProfile: 'emt',
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
const manifest = (name: string): AgentReport['manifest'] => ({
  image: { name, version: '1', osType: 'immutable', architecture: 'x86_64' },
});

describe('computeReportEffects', () => {
  it('records the observed OS and moves an onboarded host to provisioned when it runs the desired profile', () => {
    const effects = computeReportEffects({
      host: host('onboarded'),
      instance: instance(null),
      cluster: null,
      report: { manifest: manifest('emt'), cluster: null },
    });
    expect(effects).toEqual({ observedOsProfile: 'emt', observedOsVersion: '1', hostState: 'provisioned' });
  });

  it('keeps the host onboarded when it runs another OS than the desired one', () => {
    const effects = computeReportEffects({
      host: host('onboarded'),
      instance: instance(null),
      cluster: null,
      report: { manifest: manifest('ubuntu'), cluster: null },
    });
    expect(effects).toEqual({ observedOsProfile: 'ubuntu', observedOsVersion: '1' });
  });

  it('marks the cluster ready with its kubeconfig and the host in-cluster', () => {
    const effects = computeReportEffects({
      host: host('provisioned'),
      instance: instance('emt'),
      cluster: cluster('provisioning'),
      report: {
        manifest: manifest('emt'),
        cluster: { name: 'edge-1', phase: 'ready', message: 'K3s is ready', kubeconfig: 'apiVersion: v1' },
      },
    });
    expect(effects).toEqual({
      cluster: { phase: 'ready', message: 'K3s is ready', nodePhase: 'ready', kubeconfig: 'apiVersion: v1' },
      hostState: 'in-cluster',
    });
  });

  it('deletes a deleting cluster once the agent removed K3s, and returns the host to provisioned', () => {
    const effects = computeReportEffects({
      host: host('in-cluster'),
      instance: instance('emt'),
      cluster: cluster('deleting'),
      report: { manifest: manifest('emt'), cluster: { name: 'edge-1', phase: 'removed', message: 'K3s removed' } },
    });
    expect(effects).toEqual({ cluster: { delete: true }, hostState: 'provisioned' });
  });

  it('does not let a late progress report resurrect a cluster being deleted', () => {
    const effects = computeReportEffects({
      host: host('in-cluster'),
      instance: instance('emt'),
      cluster: cluster('deleting'),
      report: { manifest: manifest('emt'), cluster: { name: 'edge-1', phase: 'ready', message: 'K3s is ready' } },
    });
    expect(effects.cluster).toBeUndefined();
  });

  it('ignores a report about another cluster', () => {
    const effects = computeReportEffects({
      host: host('provisioned'),
      instance: instance('emt'),
      cluster: cluster('provisioning'),
      report: { manifest: manifest('emt'), cluster: { name: 'other', phase: 'ready', message: '' } },
    });
    expect(effects).toEqual({});
  });
});

describe('parseAgentReport', () => {
  it('names the field of an unknown cluster phase', () => {
    expect(() => parseAgentReport({ manifest: null, cluster: { name: 'x', phase: 'exploded', message: '' } })).toThrow(
      /cluster\/phase must be one of installing, ready, failed, removing, removed/,
    );
  });

  it('refuses a manifest without an image section', () => {
    expect(() => parseAgentReport({ manifest: { Repo: [] }, cluster: null })).toThrow(/manifest/);
  });
});
