import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFormat, templateFiles } from '../../../test/support/formats.ts';
import { computeCompatibility } from './compatibility.ts';
import { parseInfraCoreProfile, type OsProfile } from '../inventory/os-profile.ts';
import { parseTemplate, type ClusterTemplate } from '../inventory/template.ts';

const template = (file: string): ClusterTemplate => parseTemplate(JSON.parse(readFormat(`templates/${file}`)));
const MICROVISOR = parseInfraCoreProfile(parseYaml(readFormat('os-profiles/microvisor-nonrt.yaml')));
const UBUNTU = parseInfraCoreProfile(parseYaml(readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml')));
const ALL_TEMPLATES = templateFiles().map((f) => parseTemplate(JSON.parse(readFormat(f))));
const K3S_TEMPLATES = ALL_TEMPLATES.filter((t) => t.flavor === 'k3s');

/** A K3s template built in the test; `airGapped` is what it hard-codes in agentConfig, if anything. */
const k3sTemplate = (kubernetesVersion: string, airGapped?: boolean): ClusterTemplate =>
  parseTemplate({
    name: 'edge',
    version: 'v1.0.0',
    flavor: 'k3s',
    kubernetesVersion,
    controlPlane: {
      kind: 'KThreesControlPlaneTemplate',
      spec: { template: { spec: { kthreesConfigSpec: airGapped === undefined ? {} : { agentConfig: { airGapped } } } } },
    },
    labels: {},
  });
const embedding = (version: string, flavor: 'k3s' | 'rke2' = 'k3s'): Pick<OsProfile, 'name' | 'version' | 'kubernetes'> => ({
  name: 'emt-lab',
  version: '1.0',
  kubernetes: { flavor, version, binaryPath: '/usr/local/bin/k3s', installScriptPath: '/opt/install.sh', airgapImages: [] },
});

describe('computeCompatibility with the real templates and OS profiles', () => {
  it('finds baseline-k3s v0.0.4 compatible with microvisor-nonrt, air-gapped, without override', () => {
    expect(computeCompatibility(template('baseline-k3s-v0.0.4.json'), MICROVISOR)).toEqual({
      compatible: true,
      airGapped: true,
      basis: 'EmbeddedVersion',
      kubernetesVersion: 'v1.32.4+k3s1',
    });
  });

  it('finds baseline-k3s v0.0.10 incompatible with microvisor-nonrt, naming both K3s versions', () => {
    const result = computeCompatibility(template('baseline-k3s-v0.0.10.json'), MICROVISOR);
    expect(result).toEqual({
      compatible: false,
      airGapped: false,
      reason: {
        code: 'K3sVersionMismatch',
        message:
          'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1 but OS profile microvisor-nonrt:3.0.20260602.2200 embeds K3s v1.32.4+k3s1',
        details: {
          templateVersion: 'v1.33.5+k3s1',
          embeddedVersion: 'v1.32.4+k3s1',
          osProfile: 'microvisor-nonrt',
          osProfileVersion: '3.0.20260602.2200',
        },
      },
    });
  });

  it('finds the privileged and restricted K3s templates (v1.33.5+k3s1) incompatible with microvisor-nonrt', () => {
    for (const file of ['privileged-k3s.json', 'restricted-k3s.json']) {
      const result = computeCompatibility(template(file), MICROVISOR);
      expect(result).toMatchObject({ compatible: false, reason: { code: 'K3sVersionMismatch' } });
      if (!result.compatible) expect(result.reason.message).toMatch(/v1\.33\.5\+k3s1.*v1\.32\.4\+k3s1/);
    }
  });

  it.each([
    ['microvisor-nonrt', MICROVISOR],
    ['ubuntu-22.04-lts-generic', UBUNTU],
  ])('never offers the RKE2 template on %s: the agent cannot install RKE2', (_name, profile) => {
    expect(computeCompatibility(template('baseline-rke2-v2.0.2.json'), profile)).toEqual({
      compatible: false,
      airGapped: false,
      reason: {
        code: 'FlavorNotInstallable',
        message: 'template baseline:v2.0.2 is RKE2 v1.30.10+rke2r1; the agent installs K3s only, so it cannot run on any host',
        details: { flavor: 'rke2', templateVersion: 'v1.30.10+rke2r1' },
      },
    });
  });

  it('has four K3s templates among the reference files', () => {
    expect(K3S_TEMPLATES.map((t) => `${t.name}:${t.version}`).sort()).toEqual([
      'baseline-k3s:v0.0.10',
      'baseline-k3s:v0.0.4',
      'privileged-k3s:v0.0.10',
      'restricted-k3s:v0.0.10',
    ]);
  });

  it.each(K3S_TEMPLATES.map((t) => [`${t.name}:${t.version}`, t] as const))(
    'finds %s compatible with the Ubuntu profile in download mode, overriding its hard-coded airGapped: true',
    (_ref, t) => {
      expect(computeCompatibility(t, UBUNTU)).toEqual({
        compatible: true,
        airGapped: false,
        basis: 'NoEmbeddedK3s',
        kubernetesVersion: t.kubernetesVersion,
        override: {
          code: 'AirGappedOverridden',
          message:
            'template sets agentConfig.airGapped=true; the OS profile decides airGapped=false (the image embeds no K3s, so it is downloaded)',
          details: { templateValue: 'true', decided: 'false' },
        },
      });
    },
  );
});

describe('computeCompatibility rules', () => {
  it('is air-gapped only when the template asks for exactly the embedded version', () => {
    expect(computeCompatibility(k3sTemplate('v1.32.4+k3s1'), embedding('v1.32.4+k3s1'))).toEqual({
      compatible: true,
      airGapped: true,
      basis: 'EmbeddedVersion',
      kubernetesVersion: 'v1.32.4+k3s1',
    });
  });

  it.each([
    ['v1.32.4+k3s2', 'a newer K3s build of the same Kubernetes'],
    ['v1.32.5+k3s1', 'a newer patch'],
    ['v1.32.3+k3s1', 'an older patch'],
  ])('refuses %s (%s) on an image embedding v1.32.4+k3s1, never a bare false', (version) => {
    const result = computeCompatibility(k3sTemplate(version), embedding('v1.32.4+k3s1'));
    expect(result).toEqual({
      compatible: false,
      airGapped: false,
      reason: {
        code: 'K3sVersionMismatch',
        message: `template edge:v1.0.0 needs K3s ${version} but OS profile emt-lab:1.0 embeds K3s v1.32.4+k3s1`,
        details: { templateVersion: version, embeddedVersion: 'v1.32.4+k3s1', osProfile: 'emt-lab', osProfileVersion: '1.0' },
      },
    });
  });

  it('downloads a K3s template on an image that embeds RKE2 rather than K3s', () => {
    expect(computeCompatibility(k3sTemplate('v1.32.4+k3s1'), embedding('v1.30.10+rke2r1', 'rke2'))).toEqual({
      compatible: true,
      airGapped: false,
      basis: 'NoEmbeddedK3s',
      kubernetesVersion: 'v1.32.4+k3s1',
    });
  });

  it('records no override when the template does not hard-code airGapped', () => {
    expect(computeCompatibility(k3sTemplate('v1.33.5+k3s1'), { name: 'ubuntu', version: '22.04', kubernetes: null })).toEqual({
      compatible: true,
      airGapped: false,
      basis: 'NoEmbeddedK3s',
      kubernetesVersion: 'v1.33.5+k3s1',
    });
  });

  it('records no override when the hard-coded airGapped agrees with the decision', () => {
    expect(
      computeCompatibility(k3sTemplate('v1.33.5+k3s1', false), { name: 'ubuntu', version: '22.04', kubernetes: null }),
    ).not.toHaveProperty('override');
  });

  it('overrides a template that hard-codes airGapped: false on an image embedding its version', () => {
    expect(computeCompatibility(k3sTemplate('v1.32.4+k3s1', false), embedding('v1.32.4+k3s1'))).toEqual({
      compatible: true,
      airGapped: true,
      basis: 'EmbeddedVersion',
      kubernetesVersion: 'v1.32.4+k3s1',
      override: {
        code: 'AirGappedOverridden',
        message:
          'template sets agentConfig.airGapped=false; the OS profile decides airGapped=true (the image embeds exactly this K3s version, so it installs without downloading)',
        details: { templateValue: 'false', decided: 'true' },
      },
    });
  });

  it('never decides air-gapped from the template: an incompatible result is airGapped false even if the template says true', () => {
    const result = computeCompatibility(k3sTemplate('v1.33.5+k3s1', true), embedding('v1.32.4+k3s1'));
    expect(result.compatible).toBe(false);
    expect(result.airGapped).toBe(false);
  });
});

describe('computeCompatibility with a template naming Kubernetes without a K3s build', () => {
  it('runs air-gapped on an image embedding a K3s build of that version, installing the embedded build', () => {
    expect(computeCompatibility(k3sTemplate('v1.32.4'), embedding('v1.32.4+k3s1'))).toEqual({
      compatible: true,
      airGapped: true,
      basis: 'EmbeddedVersion',
      kubernetesVersion: 'v1.32.4+k3s1',
    });
  });

  it('refuses an image embedding another version', () => {
    expect(computeCompatibility(k3sTemplate('v1.33.5'), embedding('v1.32.4+k3s1'))).toMatchObject({
      compatible: false,
      reason: { code: 'K3sVersionMismatch' },
    });
  });

  it('refuses an image that embeds no K3s, saying the build cannot be decided', () => {
    const result = computeCompatibility(k3sTemplate('v1.32.4'), { name: 'ubuntu', version: '22.04', kubernetes: null });
    expect(result).toMatchObject({ compatible: false, reason: { code: 'K3sBuildUnpinned' } });
    if (!result.compatible)
      expect(result.reason.message).toBe(
        'template edge:v1.0.0 names Kubernetes v1.32.4 without a K3s build (+k3sN) and OS profile ubuntu:22.04 embeds no K3s to decide it; edge-orch downloads exact builds only',
      );
  });
});
