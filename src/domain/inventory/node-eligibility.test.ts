import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeNodeEligibility, type EligibilityInput } from './node-eligibility.ts';
import { parseOsProfileDocument, type OsProfile } from './os-profile.ts';
import { parseTemplate } from './template.ts';

const shared = (path: string): string => readFileSync(new URL(`../../../test/formats/shared/${path}`, import.meta.url), 'utf8');
const emt = parseOsProfileDocument(shared('os-profiles/microvisor-nonrt.yaml'));
const ubuntu = parseOsProfileDocument(shared('os-profiles/ubuntu-22.04-lts-generic.yaml'));
const v004 = parseTemplate(JSON.parse(shared('templates/baseline-k3s-v0.0.4.json')));
const v010 = parseTemplate(JSON.parse(shared('templates/baseline-k3s-v0.0.10.json')));
/** A later EMT image embedding the K3s of v0.0.10. */
const emtNext: OsProfile = { ...emt, version: '3.0.20260901.0100', kubernetes: { ...emt.kubernetes!, version: 'v1.33.5+k3s1' } };

const running = (profile: OsProfile): EligibilityInput['instance'] => ({
  osProfile: profile.name,
  osProfileVersion: profile.version,
  state: 'running',
});
const input = (more: Partial<EligibilityInput> = {}): EligibilityInput => ({
  host: { id: 'h1', name: 'edge-1', state: 'provisioned' },
  instance: running(emt),
  clusterOf: null,
  template: v004,
  currentProfile: emt,
  ...more,
});

describe('computeNodeEligibility', () => {
  it('option 1: a provisioned host whose image embeds the template’s K3s is eligible, air-gapped', () => {
    expect(computeNodeEligibility(input())).toMatchObject({
      eligible: true,
      osProfile: { name: emt.name, version: emt.version },
      compatibility: { airGapped: true, kubernetesVersion: 'v1.32.4+k3s1' },
      provision: false,
      update: false,
    });
  });

  it('gives the reason for a deauthorized host, a node of another cluster, and a host that does not run its instance yet', () => {
    expect(computeNodeEligibility(input({ host: { id: 'h1', name: 'edge-1', state: 'deauthorized' } }))).toMatchObject({
      reason: { code: 'HostDeauthorized' },
    });
    expect(computeNodeEligibility(input({ clusterOf: 'other' }))).toMatchObject({
      reason: { code: 'ClusterConflict', details: { cluster: 'other' } },
    });
    expect(computeNodeEligibility(input({ instance: { ...running(emt)!, state: 'provisioning' } }))).toMatchObject({
      reason: { code: 'NotProvisioned' },
    });
    expect(computeNodeEligibility(input({ instance: null, currentProfile: null }))).toMatchObject({
      reason: {
        code: 'NotProvisioned',
        message: 'host edge-1 has no instance; name an osProfile to provision it when the cluster is created',
      },
    });
  });

  it('refuses an image that embeds another K3s with the compatibility reason', () => {
    expect(computeNodeEligibility(input({ template: v010 }))).toMatchObject({
      eligible: false,
      reason: { code: 'K3sVersionMismatch', details: { templateVersion: 'v1.33.5+k3s1', embeddedVersion: 'v1.32.4+k3s1' } },
    });
  });

  it('option 3: provisions a host without an instance with a compatible profile, and refuses an incompatible one', () => {
    expect(computeNodeEligibility(input({ instance: null, currentProfile: null, requestedProfile: emt }))).toMatchObject({
      eligible: true,
      provision: true,
    });
    expect(computeNodeEligibility(input({ instance: null, currentProfile: null, requestedProfile: emt, template: v010 }))).toMatchObject({
      reason: { code: 'K3sVersionMismatch' },
    });
    expect(computeNodeEligibility(input({ requestedProfile: ubuntu }))).toMatchObject({ reason: { code: 'InstanceConflict' } });
  });

  it('option 2: moves an EMT host to the version that embeds the template’s K3s, and says when there is none', () => {
    expect(computeNodeEligibility(input({ template: v010, osUpdate: { versions: [emtNext, emt] } }))).toMatchObject({
      eligible: true,
      update: true,
      osProfile: { version: '3.0.20260901.0100' },
      compatibility: { airGapped: true, kubernetesVersion: 'v1.33.5+k3s1' },
    });
    expect(computeNodeEligibility(input({ template: v010, osUpdate: { versions: [emt] } }))).toMatchObject({
      reason: { code: 'NoCompatibleOsVersion', details: { osProfile: emt.name, templateVersion: 'v1.33.5+k3s1' } },
    });
  });

  it('when joining, accepts another OS profile that embeds no K3s (download) and refuses an image embedding another K3s, naming both', () => {
    const cluster = { kubernetesVersion: 'v1.32.4+k3s1' };
    expect(computeNodeEligibility(input({ cluster }))).toMatchObject({ eligible: true, compatibility: { airGapped: true } });
    expect(computeNodeEligibility(input({ instance: running(ubuntu), currentProfile: ubuntu, cluster }))).toMatchObject({
      eligible: true,
      compatibility: { airGapped: false, basis: 'NoEmbeddedK3s', kubernetesVersion: 'v1.32.4+k3s1' },
    });
    expect(computeNodeEligibility(input({ instance: running(emtNext), currentProfile: emtNext, cluster }))).toEqual({
      eligible: false,
      reason: {
        code: 'NodeVersionDiffers',
        message: `host edge-1 would run K3s v1.33.5+k3s1 (OS profile ${emtNext.name}:${emtNext.version} embeds it), but the nodes of this cluster run v1.32.4+k3s1; every node runs one K3s version`,
        details: { hostId: 'h1', kubernetesVersion: 'v1.33.5+k3s1', clusterVersion: 'v1.32.4+k3s1' },
      },
    });
  });

  it('when joining a cluster an upgrade moved past its template, checks against the version the cluster runs', () => {
    const cluster = { kubernetesVersion: 'v1.33.5+k3s1' };
    expect(computeNodeEligibility(input({ instance: running(emtNext), currentProfile: emtNext, cluster }))).toMatchObject({
      eligible: true,
      compatibility: { airGapped: true, kubernetesVersion: 'v1.33.5+k3s1' },
    });
    expect(computeNodeEligibility(input({ instance: running(ubuntu), currentProfile: ubuntu, cluster }))).toMatchObject({
      compatibility: { airGapped: false, kubernetesVersion: 'v1.33.5+k3s1' },
    });
    expect(computeNodeEligibility(input({ cluster }))).toMatchObject({ reason: { code: 'NodeVersionDiffers' } });
  });
});
