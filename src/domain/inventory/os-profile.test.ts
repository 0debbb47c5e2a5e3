import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { parse as parseYaml } from 'yaml';
import { osProfileFiles, readFormat } from '../../../test/support/formats.ts';
import type { ImageManifest } from './image-manifest.ts';
import {
  EMT_K3S_PATHS,
  parseImageManifestProfile,
  parseInfraCoreProfile,
  parseOsProfile,
  parseOsProfileDocument,
  parseOsProfileRef,
  formatOsProfileRef,
  compareOsProfileVersions,
  osProfileVersionSortKey,
  type OsProfile,
} from './os-profile.ts';

const MICROVISOR_TEXT = readFormat('os-profiles/microvisor-nonrt.yaml');
const UBUNTU_TEXT = readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml');
const microvisorYaml = (): Record<string, any> => parseYaml(MICROVISOR_TEXT);

const MICROVISOR: OsProfile = {
  name: 'microvisor-nonrt',
  displayName: 'Edge Microvisor Toolkit 3.0.20260602',
  version: '3.0.20260602.2200',
  osType: 'immutable',
  architecture: 'x86_64',
  imageUrl: 'files-edge-orch/repository/microvisor/non_rt/edge-readonly-3.0.20260602.2200-prod-signed.raw.gz',
  imageSha256: '6f7aef82c1aae6c914a9f173a6be91b0a222027937f5afcc87c2b12a9d71c056',
  description: 'Edge Microvisor Toolkit for x86_64 architecture',
  packages: [],
  kubernetes: {
    flavor: 'k3s',
    version: 'v1.32.4+k3s1',
    binaryPath: '/usr/local/bin/k3s',
    installScriptPath: '/opt/install.sh',
    airgapImages: [],
  },
  source: 'infra-core',
  resourceId: null,
  securityFeature: 'SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION',
  provider: 'OS_PROVIDER_KIND_INFRA',
  platformBundle: null,
  unusedFields: {
    appVersion: 'apps/v1',
    metadata: { release: '0.0.0-dev' },
    spec: {
      osPackageManifestURL: 'files-edge-orch/repository/microvisor/non_rt/edge-readonly-3.0.20260602.2200_pkg_manifest.json',
      osExistingCvesURL: 'files-edge-orch/microvisor/iso/EdgeMicrovisorToolkit-25.06.2_cve.json',
      osFixedCvesURL: 'files-edge-orch/microvisor/iso/EdgeMicrovisorToolkit-25.06.2_fixed_cves.json',
    },
  },
};

const UBUNTU: OsProfile = {
  name: 'ubuntu-22.04-lts-generic',
  displayName: 'Ubuntu 22.04.5 LTS',
  version: '22.04.5',
  osType: 'mutable',
  architecture: 'x86_64',
  imageUrl: 'https://cloud-images.ubuntu.com/releases/22.04/release-20250228/ubuntu-22.04-server-cloudimg-amd64.img',
  imageSha256: 'b9b65a7e045ca262ad614cbedeaa1bf34b9325d76f856e85e17b68984e7a4314',
  description: 'Ubuntu 22.04.5 LTS for x86_64 architecture',
  packages: [],
  kubernetes: null,
  source: 'infra-core',
  resourceId: null,
  securityFeature: 'SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION',
  provider: 'OS_PROVIDER_KIND_INFRA',
  platformBundle: null,
  unusedFields: {
    appVersion: 'apps/v1',
    metadata: { release: '0.0.0-dev', version: '0.2.0' },
    spec: {
      osPackageManifestURL: '',
      osExistingCvesURL: 'https://security-metadata.canonical.com/oval/com.ubuntu.jammy.cve.oval.xml.bz2',
      osFixedCvesURL: 'https://security-metadata.canonical.com/oval/com.ubuntu.jammy.usn.oval.xml.bz2',
    },
  },
};

describe('parseInfraCoreProfile (infra-core OS-profile YAML, real files)', () => {
  it('imports microvisor-nonrt as an immutable profile embedding K3s v1.32.4+k3s1 at the EMT paths', () => {
    expect(parseInfraCoreProfile(microvisorYaml())).toEqual(MICROVISOR);
    expect(MICROVISOR.kubernetes).toMatchObject({
      binaryPath: EMT_K3S_PATHS.binaryPath,
      installScriptPath: EMT_K3S_PATHS.installScriptPath,
    });
  });

  it('imports ubuntu-22.04-lts-generic as a mutable profile that embeds no Kubernetes', () => {
    expect(parseInfraCoreProfile(parseYaml(UBUNTU_TEXT))).toEqual(UBUNTU);
  });

  it('imports every file in formats/os-profiles', () => {
    const files = osProfileFiles();
    expect(files).toHaveLength(2);
    for (const file of files) expect(parseInfraCoreProfile(parseYaml(readFormat(file))).source).toBe('infra-core');
  });

  it('treats an empty metadata/kubernetes-version as no embedded Kubernetes', () => {
    const doc = microvisorYaml();
    doc['metadata']['kubernetes-version'] = '';
    expect(parseInfraCoreProfile(doc).kubernetes).toBeNull();
  });

  it('rejects a malformed metadata/kubernetes-version, naming the YAML field and the expected form', () => {
    const doc = microvisorYaml();
    doc['metadata']['kubernetes-version'] = 'v1.32.4';
    const error = expectAppError(() => parseInfraCoreProfile(doc));
    expect(error.code).toBe('InvalidField');
    expect(error.field).toBe('metadata/kubernetes-version');
    expect(error.detail).toMatch(
      /^metadata\/kubernetes-version "v1\.32\.4" is not a Kubernetes version; expected v<major>\.<minor>\.<patch>\+k3s<N>/,
    );
  });

  it('rejects an unknown spec/type, listing the two accepted values', () => {
    const doc = microvisorYaml();
    doc['spec']['type'] = 'OS_TYPE_UNSPECIFIED';
    const error = expectAppError(() => parseInfraCoreProfile(doc));
    expect(error.field).toBe('spec/type');
    expect(error.detail).toBe('spec/type must be OS_TYPE_IMMUTABLE or OS_TYPE_MUTABLE, got "OS_TYPE_UNSPECIFIED"');
  });

  it('names spec/profileName, not the internal field, and shows the bad value as given', () => {
    const doc = microvisorYaml();
    doc['spec']['profileName'] = 'my_name';
    const error = expectAppError(() => parseInfraCoreProfile(doc));
    expect(error.field).toBe('spec/profileName');
    expect(error.detail).toMatch(/^spec\/profileName "my_name" is not valid; expected lowercase letters, digits, "-" and "\."/);
  });

  it.each([
    ['osImageSha256', 'not-a-sha', 'spec/osImageSha256 "not-a-sha" is not valid; expected 64 lowercase hex digits'],
    ['architecture', undefined, 'spec/architecture must be a non-empty string, got nothing'],
    ['osImageVersion', [], /^spec\/osImageVersion must be a non-empty string \(letters, digits.*\), got a list$/],
    ['osImageVersion', '3.0:1', /^spec\/osImageVersion "3\.0:1" is not valid; expected letters, digits/],
    ['securityFeature', 'SECURE', /^spec\/securityFeature must be one of SECURITY_FEATURE_UNSPECIFIED, SECURITY_FEATURE_NONE, /],
    ['name', 7, 'spec/name must be a non-empty string, got number 7'],
  ])('rejects a bad spec/%s, naming the YAML field', (key, value, detail) => {
    const doc = microvisorYaml();
    doc['spec'][key] = value;
    const error = expectAppError(() => parseInfraCoreProfile(doc));
    expect(error.field).toBe(`spec/${key}`);
    if (typeof detail === 'string') expect(error.detail).toBe(detail);
    else expect(error.detail).toMatch(detail);
  });

  it('reads an unquoted numeric osImageVersion as the version text', () => {
    const doc = microvisorYaml();
    doc['spec']['osImageVersion'] = 3.1;
    expect(parseInfraCoreProfile(doc).version).toBe('3.1');
  });

  it('rejects a document without spec, naming spec', () => {
    const error = expectAppError(() => parseInfraCoreProfile({ appVersion: 'apps/v1' }));
    expect(error.field).toBe('spec');
    expect(error.detail).toBe('spec must be an object, got nothing');
  });

  it('rejects a document that is not a mapping as MalformedDocument', () => {
    const error = expectAppError(() => parseInfraCoreProfile(['a']));
    expect(error.code).toBe('MalformedDocument');
    expect(error.detail).toBe('the OS profile YAML must be a mapping, got a list');
  });
});

const SHA = 'ab'.repeat(32);
const MANIFEST = {
  Repo: [
    {
      Name: 'k3s',
      Version: '1.32.4_k3s1-1.emt3',
      Architecture: 'x86_64',
      Distribution: 'emt3',
      URL: 'https://files.example/k3s.rpm',
      License: 'Apache-2.0',
      Modified: '2025-06-02T00:00:00Z',
    },
    {
      Name: 'systemd',
      Version: '255-20.emt3',
      Architecture: 'x86_64',
      Distribution: 'emt3',
      URL: 'https://files.example/systemd.rpm',
      License: 'LGPL-2.1-or-later',
      Modified: '2025-06-02T00:00:00Z',
    },
  ],
  image: {
    name: 'emt-k3s',
    version: '3.0.20250602',
    osType: 'immutable',
    architecture: 'x86_64',
    description: 'EMT with K3s v1.32.4+k3s1',
    imageUrl: 'emt-k3s.squashfs',
    imageSha256: SHA,
  },
  kubernetes: {
    flavor: 'k3s',
    version: 'v1.32.4+k3s1',
    binaryPath: '/usr/local/bin/k3s',
    installScriptPath: '/opt/install.sh',
    airgapImages: [{ path: '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst', sha256: SHA }],
    package: { name: 'k3s', version: '1.32.4_k3s1', release: '1.emt3' },
  },
} satisfies ImageManifest;

const EMT_K3S: OsProfile = {
  name: 'emt-k3s',
  displayName: 'EMT with K3s v1.32.4+k3s1',
  version: '3.0.20250602',
  osType: 'immutable',
  architecture: 'x86_64',
  imageUrl: 'emt-k3s.squashfs',
  imageSha256: SHA,
  description: 'EMT with K3s v1.32.4+k3s1',
  packages: [
    { Name: 'k3s', Version: '1.32.4_k3s1-1.emt3', Architecture: 'x86_64' },
    { Name: 'systemd', Version: '255-20.emt3', Architecture: 'x86_64' },
  ],
  kubernetes: MANIFEST.kubernetes,
  source: 'manifest',
  resourceId: null,
  securityFeature: null,
  provider: null,
  platformBundle: null,
  unusedFields: {},
};

/** A copy of the manifest with some top-level sections replaced. */
const manifest = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...structuredClone(MANIFEST), ...patch });

describe('parseImageManifestProfile (edge-orch manifest.json)', () => {
  it('imports the image identity, the packages and the kubernetes section', () => {
    expect(parseImageManifestProfile(MANIFEST)).toEqual(EMT_K3S);
  });

  it('gives kubernetes null when the manifest has no kubernetes section', () => {
    const { kubernetes: _, ...withoutKubernetes } = MANIFEST;
    expect(parseImageManifestProfile(withoutKubernetes)).toEqual({ ...EMT_K3S, kubernetes: null });
  });

  it('lets the caller choose the profile name', () => {
    expect(parseImageManifestProfile(MANIFEST, { name: 'emt-k3s-v1-32' }).name).toBe('emt-k3s-v1-32');
  });

  it('defaults the binary and install-script paths to where the EMT K3s RPM puts them', () => {
    const { binaryPath: _b, installScriptPath: _i, ...rest } = MANIFEST.kubernetes;
    expect(parseImageManifestProfile(manifest({ kubernetes: rest })).kubernetes).toMatchObject({
      binaryPath: '/usr/local/bin/k3s',
      installScriptPath: '/opt/install.sh',
    });
  });

  it('takes the flavor from the version when the kubernetes section omits it', () => {
    const { flavor: _, ...rest } = MANIFEST.kubernetes;
    expect(parseImageManifestProfile(manifest({ kubernetes: rest })).kubernetes?.flavor).toBe('k3s');
  });

  it.each([
    ['image/version', { image: { ...MANIFEST.image, version: 3 } }, /^image\/version must be a non-empty string \(.*\), got number 3$/],
    [
      'image/version',
      { image: { ...MANIFEST.image, version: undefined } },
      /^image\/version must be a non-empty string \(.*\), got nothing$/,
    ],
    [
      'image/name',
      { image: { ...MANIFEST.image, name: 'image name' } },
      /^image\/name "image name" is not valid; expected lowercase letters/,
    ],
    ['image/osType', { image: { ...MANIFEST.image, osType: 'readonly' } }, 'image/osType must be "immutable" or "mutable", got "readonly"'],
    [
      'image/architecture',
      { image: { ...MANIFEST.image, architecture: '' } },
      'image/architecture must be a non-empty string, got string ""',
    ],
    [
      'image/imageSha256',
      { image: { ...MANIFEST.image, imageSha256: 'ABC' } },
      'image/imageSha256 "ABC" is not valid; expected 64 lowercase hex digits',
    ],
    ['image', { image: 'emt' }, 'image must be an object, got string "emt"'],
    ['Repo', { Repo: { Name: 'k3s' } }, 'Repo must be a list, got an object'],
    ['Repo/0', { Repo: ['k3s'] }, 'Repo/0 must be an object with Name, Version, Architecture'],
    ['Repo/0/Name', { Repo: [{ Version: '1', Architecture: 'x86_64' }] }, 'Repo/0/Name must be a non-empty string, got nothing'],
    [
      'Repo/1/Version',
      { Repo: [MANIFEST.Repo[0], { Name: 'x', Version: 2, Architecture: 'x86_64' }] },
      'Repo/1/Version must be a non-empty string, got number 2',
    ],
    ['kubernetes', { kubernetes: 'v1.32.4+k3s1' }, 'kubernetes must be an object, got string "v1.32.4+k3s1"'],
    [
      'kubernetes/version',
      { kubernetes: { ...MANIFEST.kubernetes, version: '1.32.4' } },
      /^kubernetes\/version "1\.32\.4" is not a Kubernetes version; expected v<major>/,
    ],
    [
      'kubernetes/flavor',
      { kubernetes: { ...MANIFEST.kubernetes, flavor: 'rke2' } },
      'kubernetes/flavor "rke2" does not match version v1.32.4+k3s1 (k3s)',
    ],
    [
      'kubernetes/binaryPath',
      { kubernetes: { ...MANIFEST.kubernetes, binaryPath: 'k3s' } },
      'kubernetes/binaryPath "k3s" is not valid; expected an absolute path',
    ],
    [
      'kubernetes/airgapImages/0',
      { kubernetes: { ...MANIFEST.kubernetes, airgapImages: ['/x.tar'] } },
      'kubernetes/airgapImages/0 must be an object with path and sha256',
    ],
    [
      'kubernetes/airgapImages/0/sha256',
      { kubernetes: { ...MANIFEST.kubernetes, airgapImages: [{ path: '/x.tar', sha256: 'no' }] } },
      'kubernetes/airgapImages/0/sha256 "no" is not valid; expected 64 lowercase hex digits',
    ],
    [
      'kubernetes/package/release',
      { kubernetes: { ...MANIFEST.kubernetes, package: { name: 'k3s', version: '1.32.4_k3s1' } } },
      'kubernetes/package/release must be a non-empty string, got nothing',
    ],
  ])('names the manifest field %s in the error', (field, patch, detail) => {
    const error = expectAppError(() => parseImageManifestProfile(manifest(patch)));
    expect(error.code).toBe('InvalidField');
    expect(error.field).toBe(field);
    if (typeof detail === 'string') expect(error.detail).toBe(detail);
    else expect(error.detail).toMatch(detail);
  });

  it('rejects a manifest that is not a JSON object as MalformedDocument', () => {
    const error = expectAppError(() => parseImageManifestProfile([MANIFEST]));
    expect(error.code).toBe('MalformedDocument');
    expect(error.detail).toBe('the image manifest must be a JSON object, got a list');
  });
});

const OWN = { name: 'emt-lab', version: '1.0', osType: 'immutable', architecture: 'x86_64', kubernetes: { version: 'v1.32.4+k3s1' } };

describe('parseOsProfile (edge-orch own form)', () => {
  it('fills optional fields with null and defaults, and the display name with the name', () => {
    expect(parseOsProfile(OWN)).toEqual({
      name: 'emt-lab',
      displayName: 'emt-lab',
      version: '1.0',
      osType: 'immutable',
      architecture: 'x86_64',
      imageUrl: null,
      imageSha256: null,
      description: null,
      packages: [],
      kubernetes: {
        flavor: 'k3s',
        version: 'v1.32.4+k3s1',
        binaryPath: '/usr/local/bin/k3s',
        installScriptPath: '/opt/install.sh',
        airgapImages: [],
      },
      source: 'api',
      resourceId: null,
      securityFeature: null,
      provider: null,
      platformBundle: null,
      unusedFields: {},
    });
  });

  it('accepts a profile name with dots (a DNS subdomain)', () => {
    expect(parseOsProfile({ ...OWN, name: 'ubuntu-22.04-lts-generic' }).name).toBe('ubuntu-22.04-lts-generic');
  });

  it('rejects an osType other than immutable or mutable', () => {
    const error = expectAppError(() => parseOsProfile({ ...OWN, osType: 'OS_TYPE_IMMUTABLE' }));
    expect(error.field).toBe('osType');
    expect(error.detail).toBe('osType must be "immutable" or "mutable", got "OS_TYPE_IMMUTABLE"');
  });

  it('prefixes error fields with the given path', () => {
    const error = expectAppError(() => parseOsProfile({ ...OWN, packages: [{ Name: 'a', Architecture: 'x86_64' }] }, '/profiles/2'));
    expect(error.field).toBe('/profiles/2/packages/0/Version');
    expect(error.detail).toBe('/profiles/2/packages/0/Version must be a non-empty string, got nothing');
  });

  it('rejects a value that is not an object, naming the path', () => {
    expect(expectAppError(() => parseOsProfile(5, '/profiles/2')).field).toBe('/profiles/2');
    expect(expectAppError(() => parseOsProfile(5)).detail).toBe('the OS profile must be an object, got number 5');
  });
});

describe('parseOsProfileDocument (any supported file, as text)', () => {
  it('reads the real infra-core YAML files the same way as parseInfraCoreProfile', () => {
    expect(parseOsProfileDocument(MICROVISOR_TEXT)).toEqual(MICROVISOR);
    expect(parseOsProfileDocument(UBUNTU_TEXT)).toEqual(UBUNTU);
  });

  it('reads a manifest.json, with or without a name override', () => {
    const text = JSON.stringify(MANIFEST, null, 2);
    expect(parseOsProfileDocument(text)).toEqual(EMT_K3S);
    expect(parseOsProfileDocument(text, { name: 'renamed' }).name).toBe('renamed');
  });

  it('reads an edge-orch OS profile in JSON or YAML, with a name override', () => {
    expect(parseOsProfileDocument(JSON.stringify(OWN))).toEqual(parseOsProfile(OWN));
    expect(
      parseOsProfileDocument('name: emt-lab\nversion: "1.0"\nosType: mutable\narchitecture: x86_64\n', { name: 'lab-2' }),
    ).toMatchObject({
      name: 'lab-2',
      osType: 'mutable',
      kubernetes: null,
    });
  });

  it('rejects text that is neither JSON nor YAML as MalformedDocument', () => {
    const error = expectAppError(() => parseOsProfileDocument('{ "image": '));
    expect(error.code).toBe('MalformedDocument');
    expect(error.detail).toMatch(/^the OS profile file is neither JSON nor YAML: /);
  });

  it('rejects a document of an unknown format, listing the known ones', () => {
    const error = expectAppError(() => parseOsProfileDocument('kind: Something\n'));
    expect(error.code).toBe('MalformedDocument');
    expect(error.detail).toContain(
      'expected an image manifest.json ("Repo" and "image"), an infra-core OS profile YAML ("appVersion" and "spec"), or an edge-orch OS profile ("osType")',
    );
  });
});

describe('OS profile versions and references', () => {
  it('reads name alone as the latest version and name:version as that version', () => {
    expect(parseOsProfileRef('microvisor-nonrt')).toEqual({ name: 'microvisor-nonrt' });
    expect(parseOsProfileRef('microvisor-nonrt:3.0.20260602.2200')).toEqual({ name: 'microvisor-nonrt', version: '3.0.20260602.2200' });
    expect(formatOsProfileRef({ name: 'microvisor-nonrt', version: '3.0.20260602.2200' })).toBe('microvisor-nonrt:3.0.20260602.2200');
  });

  it.each(['Microvisor', 'microvisor-nonrt:', 'a:b:c', ':3.0'])('refuses %j as a reference, naming the field and the form', (text) => {
    const error = expectAppError(() => parseOsProfileRef(text, 'defaults/osProfile'));
    expect(error.field).toBe('defaults/osProfile');
    expect(error.detail).toMatch(/is not an OS profile reference; expected name or name:version/);
  });

  it('orders image versions part by part, numbers by value', () => {
    const versions = ['3.0.20260602.2200', '3.0.20250504', '3.0.20260602', '3.0.9', '3.1'];
    expect(versions.sort(compareOsProfileVersions)).toEqual(['3.0.9', '3.0.20250504', '3.0.20260602', '3.0.20260602.2200', '3.1']);
  });

  it('orders numbers before text, fewer parts first, and tells equal versions apart by their text', () => {
    const versions = ['3.0.rc1', '3.0.1', '3.2', '3.0', '3.02', '10.0', '9.0', '3-2', '3.0-a', '3.0.0010'];
    expect(versions.sort(compareOsProfileVersions)).toEqual([
      '3.0',
      '3.0.1',
      '3.0.0010',
      '3.0-a',
      '3.0.rc1',
      '3-2',
      '3.02',
      '3.2',
      '9.0',
      '10.0',
    ]);
  });

  it('gives each version a sort key whose code-point order is the version order', () => {
    const versions = [
      '3.0.20260602.2200',
      '3.0.9',
      '3.1',
      '24.04',
      '22.04',
      '1.0.0+build7',
      '1.0.0',
      '1.0.0-rc1',
      'a.1',
      '99999999999999999999.1',
    ];
    const byKey = [...versions].sort((a, b) => (osProfileVersionSortKey(a) < osProfileVersionSortKey(b) ? -1 : 1));
    expect(byKey).toEqual([...versions].sort(compareOsProfileVersions));
    expect(byKey.at(-2)).toBe('99999999999999999999.1');
  });

  it('applies the name override to the infra-core format too', () => {
    expect(parseOsProfileDocument(MICROVISOR_TEXT, { name: 'emt-lab' }).name).toBe('emt-lab');
  });

  it('keeps an EMF resource id given in the document', () => {
    const doc = microvisorYaml();
    doc['spec']['resourceId'] = 'os-7d650dd1';
    expect(parseInfraCoreProfile(doc).resourceId).toBe('os-7d650dd1');
  });

  it('refuses a plain EMT package manifest, naming the image manifest edge-orch needs and the command that writes it', () => {
    const error = expectAppError(() => parseOsProfileDocument(JSON.stringify({ Repo: MANIFEST.Repo })));
    expect(error.field).toBe('image');
    expect(error.detail).toMatch(/plain EMT package manifest/);
    expect(error.detail).toContain('`edge-orch emt compose`');
  });
});
