import { describe, expect, it } from 'vitest';
import type { Cluster } from '../inventory/cluster.ts';
import type { Host } from '../inventory/host.ts';
import type { Instance } from '../inventory/instance.ts';
import type { OsProfile } from '../inventory/os-profile.ts';
import {
  computeAutoCluster,
  computeClusterDecision,
  computeInstanceDecision,
  computeRegisterHostDecision,
} from './registration-decisions.ts';
import { parseTemplate, type ClusterTemplate } from '../inventory/template.ts';

const REG = { name: 'edge-1', uuid: null, serial: 'SN1', site: 'plant', labels: { a: '1' } };
const HOST: Host = { ...REG, id: 'h-1', project: 'p', state: 'registered', autoOnboard: null, createdAt: 't', updatedAt: 't' };
const INSTANCE: Instance = {
  id: 'i-1',
  project: 'p',
  hostId: 'h-1',
  osProfile: 'emt',
  osProfileVersion: '3.0.1',
  observedOsProfile: null,
  observedOsVersion: null,
  state: 'provisioning',
  createdAt: 't',
  updatedAt: 't',
};
const PROFILE = { name: 'emt', kubernetes: { flavor: 'k3s', version: 'v1.32.4+k3s1' } } as OsProfile;
const UBUNTU = { name: 'ubuntu', kubernetes: null } as OsProfile;
const template = (kubernetesVersion: string, airGapped?: boolean): ClusterTemplate =>
  parseTemplate({
    name: 'baseline-k3s',
    version: 'v0.0.4',
    flavor: 'k3s',
    kubernetesVersion,
    controlPlane: {
      kind: 'KThreesControlPlaneTemplate',
      spec: { template: { spec: { kthreesConfigSpec: airGapped === undefined ? {} : { agentConfig: { airGapped } } } } },
    },
    labels: { 'default-extension': 'baseline' },
  });
const PLAN = { registration: REG, cluster: { name: 'edge-1-cluster', labels: { team: 'x' } } };

describe('registration decisions', () => {
  it('creates a host that does not exist', () => {
    expect(computeRegisterHostDecision(REG, { byIdentity: null })).toEqual({ kind: 'create' });
  });

  it('takes an existing host with the same data as AlreadyRegistered', () => {
    expect(computeRegisterHostDecision(REG, { byIdentity: HOST })).toEqual({
      kind: 'exists',
      resourceId: 'h-1',
      reason: {
        code: 'AlreadyRegistered',
        message: 'already registered: host edge-1 (id h-1) has the same data',
        details: { hostId: 'h-1', hostName: 'edge-1' },
      },
    });
  });

  it('fails on a host with the same serial but other data, naming the host and the differences', () => {
    const decision = computeRegisterHostDecision({ ...REG, site: 'other' }, { byIdentity: HOST });
    expect(decision).toEqual({
      kind: 'fail',
      reason: {
        code: 'HostConflict',
        message: 'host edge-1 (id h-1) is already registered with this serial but different data: site "plant" ≠ "other"',
        details: { hostId: 'h-1', hostName: 'edge-1' },
      },
    });
  });

  it('fails when another host has the name', () => {
    const decision = computeRegisterHostDecision({ ...REG, serial: 'SN2' }, { byIdentity: null, byName: HOST });
    expect(decision).toMatchObject({
      kind: 'fail',
      reason: { code: 'HostConflict', message: 'the name edge-1 is taken by host edge-1 (id h-1), which has another uuid/serial' },
    });
  });

  it('creates an instance, takes one of the same profile, refuses one of another profile', () => {
    expect(computeInstanceDecision({ name: 'emt' }, null)).toEqual({ kind: 'create' });
    expect(computeInstanceDecision({ name: 'emt' }, INSTANCE)).toMatchObject({
      kind: 'exists',
      resourceId: 'i-1',
      reason: { code: 'AlreadyProvisioned', message: 'already provisioned: instance i-1 runs OS profile emt:3.0.1' },
    });
    expect(computeInstanceDecision({ name: 'ubuntu' }, INSTANCE)).toMatchObject({
      kind: 'fail',
      reason: { code: 'InstanceConflict', message: 'the host already has instance i-1 with OS profile emt:3.0.1, not ubuntu' },
    });
  });

  it('takes an instance of the named version, and refuses one of another version of the same profile', () => {
    expect(computeInstanceDecision({ name: 'emt', version: '3.0.1' }, INSTANCE)).toMatchObject({ kind: 'exists' });
    expect(computeInstanceDecision({ name: 'emt', version: '3.0.2' }, INSTANCE)).toMatchObject({
      kind: 'fail',
      reason: { code: 'InstanceConflict', message: 'the host already has instance i-1 with OS profile emt:3.0.1, not emt:3.0.2' },
    });
  });

  it('builds an air-gapped single-node cluster on the profile that embeds the template version', () => {
    const result = computeAutoCluster({ plan: PLAN, hostId: 'h-1', template: template('v1.32.4+k3s1'), profile: PROFILE });
    expect(result).toEqual({
      ok: true,
      cluster: {
        name: 'edge-1-cluster',
        template: { name: 'baseline-k3s', version: 'v0.0.4' },
        flavor: 'k3s',
        kubernetesVersion: 'v1.32.4+k3s1',
        osProfile: 'emt',
        nodes: [{ hostId: 'h-1', role: 'all' }],
        airGapped: true,
        airGappedOverride: null,
        driver: 'agent',
        phase: 'waiting-for-nodes',
        message: 'waiting for host edge-1 to join',
        labels: { 'default-extension': 'baseline', team: 'x' },
        autoCreated: true,
        deletionPolicy: 'delete',
      },
    });
  });

  it('decides airGapped from the profile even when the template hard-codes it, recording the override', () => {
    const result = computeAutoCluster({ plan: PLAN, hostId: 'h-1', template: template('v1.32.4+k3s1', true), profile: UBUNTU });
    expect(result.ok && result.cluster.airGapped).toBe(false);
    expect(result.ok && result.cluster.airGappedOverride?.code).toBe('AirGappedOverridden');
  });

  it('refuses a template whose K3s version the profile does not embed, with K3sVersionMismatch', () => {
    const result = computeAutoCluster({ plan: PLAN, hostId: 'h-1', template: template('v1.33.5+k3s1'), profile: PROFILE });
    expect(result).toMatchObject({ ok: false, reason: { code: 'K3sVersionMismatch' } });
  });

  it('refuses an RKE2 template on any profile, with FlavorNotInstallable', () => {
    const rke2 = parseTemplate({ name: 'baseline', version: 'v2.0.2', flavor: 'rke2', kubernetesVersion: 'v1.30.10+rke2r1', labels: {} });
    for (const profile of [PROFILE, UBUNTU]) {
      expect(computeAutoCluster({ plan: PLAN, hostId: 'h-1', template: rke2, profile })).toMatchObject({
        ok: false,
        reason: { code: 'FlavorNotInstallable' },
      });
    }
  });

  it('takes an identical cluster of the host, refuses another cluster of the host or a taken name', () => {
    const existing = {
      name: 'edge-1-cluster',
      template: { name: 'baseline-k3s', version: 'v0.0.4' },
      osProfile: 'emt',
      nodes: [{ hostId: 'h-1', role: 'all' }],
    } as Cluster;
    const desired = { name: 'edge-1-cluster', template: { name: 'baseline-k3s', version: 'v0.0.4' }, osProfile: 'emt' };
    expect(computeClusterDecision(desired, { byHost: null, byName: null })).toEqual({ kind: 'create' });
    expect(computeClusterDecision(desired, { byHost: existing, byName: existing })).toMatchObject({
      kind: 'exists',
      resourceId: 'edge-1-cluster',
      reason: { code: 'AlreadyInCluster' },
    });
    expect(computeClusterDecision({ ...desired, name: 'other' }, { byHost: existing, byName: null })).toMatchObject({
      kind: 'fail',
      reason: { code: 'ClusterConflict', message: 'the host is already a node of cluster edge-1-cluster (baseline-k3s:v0.0.4 on emt)' },
    });
    expect(
      computeClusterDecision(desired, { byHost: null, byName: { ...existing, nodes: [{ hostId: 'h-9', role: 'all' }] } }),
    ).toMatchObject({
      kind: 'fail',
      reason: { code: 'ClusterConflict', message: 'the cluster name edge-1-cluster is taken by another cluster (nodes: h-9)' },
    });
  });
});
