/**
 * OS profiles: what an image is, and which Kubernetes (if any) it embeds. Imported from edge-orch's image
 * manifest.json, from the infra-core OS-profile YAML, or created directly. A profile is a name and a version:
 * like EMF's OS resources (one per image version), several versions of a name live side by side.
 */
import { parse as parseYaml } from 'yaml';
import { AppError, invalidField } from '../errors.ts';
import {
  DNS_SUBDOMAIN,
  DNS_SUBDOMAIN_FORM,
  SHA256,
  describe,
  isRecord,
  readList,
  readOptionalRecord,
  readOptionalString,
  readRecord,
  readString,
  type Doc,
} from '../fields.ts';
import { numberSortKey } from './number-sort-key.ts';
import type { EmbeddedKubernetes, ImagePackage } from './image-manifest.ts';
import { parsedProblems, parsedValue, type Parsed } from '../problem.ts';
import { parseKubernetesVersion } from '../compatibility/k8s-version.ts';

export type OsType = 'immutable' | 'mutable';

export interface OsProfile {
  /** A DNS subdomain (infra-core's profileName); with `version`, unique in a project. */
  name: string;
  /** Human name, for example "Edge Microvisor Toolkit 3.0.20260602" (infra-core's spec.name). */
  displayName: string;
  /** The image version (infra-core's osImageVersion), for example 3.0.20260602.2200. */
  version: string;
  /**
   * EMF's OS resource id (os-1a2b3c4d): kept when the document carries one, so files that name it resolve;
   * otherwise the store assigns one.
   */
  resourceId: string | null;
  osType: OsType;
  architecture: string;
  imageUrl: string | null;
  imageSha256: string | null;
  description: string | null;
  packages: Pick<ImagePackage, 'Name' | 'Version' | 'Architecture'>[];
  /** The Kubernetes built into the image; null when it embeds none. */
  kubernetes: EmbeddedKubernetes | null;
  /** Where the profile came from: manifest, infra-core, api. */
  source: 'manifest' | 'infra-core' | 'api';
  /** infra-core's SECURITY_FEATURE_…; null when the document does not say. */
  securityFeature: SecurityFeature | null;
  /** infra-core's OS_PROVIDER_KIND_…, kept as given. */
  provider: string | null;
  /** infra-core's platformBundle (installerScript, cloudInitScript), kept as given. */
  platformBundle: Doc | null;
  /** Fields of the imported document edge-orch does not read (osPackageManifestURL, metadata, …), given back as they were. */
  unusedFields: Doc;
}

/** infra-core inventory/api/os/v1/os.proto SecurityFeature. */
export const SECURITY_FEATURES = [
  'SECURITY_FEATURE_UNSPECIFIED',
  'SECURITY_FEATURE_NONE',
  'SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION',
] as const;
export type SecurityFeature = (typeof SECURITY_FEATURES)[number];

/** An image version: letters, digits, ".", "_", "+" and "-" (no ":", which separates it in a reference). */
export const OS_PROFILE_VERSION = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/;
const OS_PROFILE_VERSION_FORM = 'letters, digits, ".", "_", "+" and "-", at most 128 characters, for example 3.0.20260602.2200';
const RESOURCE_ID = /^os-[0-9a-f]{8}$/;

/** A reference to an OS profile as users write it: `name` (the latest version) or `name:version`. */
export interface OsProfileRef {
  name: string;
  /** Absent: the latest version (highest by compareOsProfileVersions) at the time the reference is resolved. */
  version?: string | undefined;
}

export function checkOsProfileRef(text: unknown): Parsed<OsProfileRef, string> {
  const m = typeof text === 'string' ? /^([^:]+?)(?::([^:]+))?$/.exec(text.trim()) : null;
  if (!m || !DNS_SUBDOMAIN.test(m[1]!) || (m[2] !== undefined && !OS_PROFILE_VERSION.test(m[2]))) {
    const given =
      typeof text === 'string' ? `${JSON.stringify(text)} is not an OS profile reference` : `must be a string, got ${describe(text)}`;
    return parsedProblems(`${given}; expected name or name:version, for example microvisor-nonrt:3.0.20260602.2200`);
  }
  return parsedValue(m[2] === undefined ? { name: m[1]! } : { name: m[1]!, version: m[2] });
}

export function parseOsProfileRef(text: unknown, field = 'osProfile'): OsProfileRef {
  const checked = checkOsProfileRef(text);
  if (!checked.ok) throw invalidField(field, `${field} ${checked.problems.join('; ')}`);
  return checked.value;
}

/** A reference as a pattern, for readers that check a field's form (registration requests). */
export const OS_PROFILE_REF = new RegExp(`^(?:${DNS_SUBDOMAIN.source.slice(1, -1)})(?::${OS_PROFILE_VERSION.source.slice(1, -1)})?$`);
export const OS_PROFILE_REF_FORM = 'an OS profile name, or name:version for one version, for example microvisor-nonrt:3.0.20260602.2200';

export const formatOsProfileRef = (ref: OsProfileRef): string => (ref.version ? `${ref.name}:${ref.version}` : ref.name);

/**
 * Orders image versions: dot-, dash-, plus- or underscore-separated parts, numeric parts by value and before
 * text parts (as SemVer ranks them), text parts as text, fewer parts first (3.0.20250504 < 3.0.20260602.2200,
 * 22.04 < 24.04, 3.0 < 3.0.1 < 3.0.rc1). The latest version of a name is the highest. Versions equal part by
 * part (3.02 and 3.2) are told apart by their text, so the order is total.
 */
export function compareOsProfileVersions(a: string, b: string): number {
  const x = osProfileVersionSortKey(a);
  const y = osProfileVersionSortKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * compareOsProfileVersions' order as text compared by code point, which SQLite's BINARY and PostgreSQL's "C"
 * collation do: the store sorts and pages versions in SQL exactly as the domain orders them. Parts are joined
 * by "/", lower than any character of a part, so a version that is a prefix of another sorts first; the
 * version itself follows a space, lower still, as the tie-break.
 */
export function osProfileVersionSortKey(version: string): string {
  const parts = version.split(/[.+_-]/).map((part) => (/^\d+$/.test(part) ? `1${numberSortKey(part)}` : `2${part}`));
  return `${parts.join('/')} ${version}`;
}

/** Where EMT's K3s RPM installs things (and where the CAPI K3s provider looks in air-gapped mode). */
export const EMT_K3S_PATHS = {
  binaryPath: '/usr/local/bin/k3s',
  installScriptPath: '/opt/install.sh',
  airgapImagesDir: '/var/lib/rancher/k3s/agent/images',
} as const;

const ABSOLUTE_PATH = /^\/[^\0]*$/;

/** Validates a full OS profile document (the API's create body, and the output of every importer). */
export function parseOsProfile(value: unknown, path = ''): OsProfile {
  if (!isRecord(value)) throw invalidField(path || '/', `the OS profile must be an object, got ${describe(value)}`);
  const p = path ? `${path}/` : '';
  const osType = readString(value, 'osType', p);
  if (osType !== 'immutable' && osType !== 'mutable') {
    throw invalidField(`${p}osType`, `${p}osType must be "immutable" or "mutable", got ${JSON.stringify(osType)}`);
  }
  const kubernetes = readOptionalRecord(value, 'kubernetes', p);
  const securityFeature = readOptionalString(value, 'securityFeature', p) ?? null;
  if (securityFeature !== null && !SECURITY_FEATURES.includes(securityFeature as SecurityFeature)) {
    throw invalidField(
      `${p}securityFeature`,
      `${p}securityFeature must be one of ${SECURITY_FEATURES.join(', ')}, got ${JSON.stringify(securityFeature)}`,
    );
  }
  return {
    name: readString(value, 'name', p, { pattern: DNS_SUBDOMAIN, expected: DNS_SUBDOMAIN_FORM }),
    displayName: readOptionalString(value, 'displayName', p) ?? String(value['name']),
    version: readString(value, 'version', p, { pattern: OS_PROFILE_VERSION, expected: OS_PROFILE_VERSION_FORM }),
    resourceId: readOptionalString(value, 'resourceId', p, { pattern: RESOURCE_ID, expected: 'os- and 8 lowercase hex digits' }) ?? null,
    osType,
    architecture: readString(value, 'architecture', p),
    imageUrl: readOptionalString(value, 'imageUrl', p) ?? null,
    imageSha256: readOptionalString(value, 'imageSha256', p, { pattern: SHA256, expected: '64 lowercase hex digits' }) ?? null,
    description: readOptionalString(value, 'description', p) ?? null,
    packages: readList(value, 'packages', p).map((row, i) => parsePackageRow(row, `${p}packages/${i}/`)),
    kubernetes: kubernetes ? parseEmbeddedKubernetes(kubernetes, `${p}kubernetes/`) : null,
    source: (['manifest', 'infra-core', 'api'] as const).find((s) => s === value['source']) ?? 'api',
    securityFeature: securityFeature as SecurityFeature | null,
    provider: readOptionalString(value, 'provider', p) ?? null,
    platformBundle: readOptionalRecord(value, 'platformBundle', p) ?? null,
    unusedFields: readOptionalRecord(value, 'unusedFields', p) ?? {},
  };
}

export function parseEmbeddedKubernetes(doc: Doc, p: string): EmbeddedKubernetes {
  const version = parseKubernetesVersion(doc['version'], `${p}version`);
  const flavor = doc['flavor'] ?? version.flavor;
  if (flavor !== version.flavor) {
    throw invalidField(`${p}flavor`, `${p}flavor ${JSON.stringify(flavor)} does not match version ${version.raw} (${version.flavor})`);
  }
  const pkg = readOptionalRecord(doc, 'package', p);
  return {
    flavor: version.flavor,
    version: version.raw,
    binaryPath:
      readOptionalString(doc, 'binaryPath', p, { pattern: ABSOLUTE_PATH, expected: 'an absolute path' }) ?? EMT_K3S_PATHS.binaryPath,
    installScriptPath:
      readOptionalString(doc, 'installScriptPath', p, { pattern: ABSOLUTE_PATH, expected: 'an absolute path' }) ??
      EMT_K3S_PATHS.installScriptPath,
    airgapImages: readList(doc, 'airgapImages', p).map((row, i) => {
      const rp = `${p}airgapImages/${i}/`;
      if (!isRecord(row)) throw invalidField(rp.slice(0, -1), `${rp.slice(0, -1)} must be an object with path and sha256`);
      return {
        path: readString(row, 'path', rp, { pattern: ABSOLUTE_PATH, expected: 'an absolute path' }),
        sha256: readString(row, 'sha256', rp, { pattern: SHA256, expected: '64 lowercase hex digits' }),
      };
    }),
    ...(pkg
      ? {
          package: {
            name: readString(pkg, 'name', `${p}package/`),
            version: readString(pkg, 'version', `${p}package/`),
            release: readString(pkg, 'release', `${p}package/`),
          },
        }
      : {}),
  };
}

function parsePackageRow(row: unknown, p: string): OsProfile['packages'][number] {
  if (!isRecord(row)) throw invalidField(p.slice(0, -1), `${p.slice(0, -1)} must be an object with Name, Version, Architecture`);
  return { Name: readString(row, 'Name', p), Version: readString(row, 'Version', p), Architecture: readString(row, 'Architecture', p) };
}

/**
 * Imports edge-orch's image manifest.json (see image-manifest.ts). A plain EMT package manifest (`Repo` only) is
 * refused: it names neither the image (name, version, type, architecture) nor the Kubernetes it embeds, and
 * reading it as "embeds none" would send a K3s image's hosts to download K3s.
 */
export function parseImageManifestProfile(doc: unknown, { name }: { name?: string } = {}): OsProfile {
  if (!isRecord(doc)) throw new AppError('MalformedDocument', `the image manifest must be a JSON object, got ${describe(doc)}`);
  if (doc['image'] === undefined) {
    throw invalidField(
      'image',
      'this is a plain EMT package manifest ("Repo" only): it does not say which image it describes nor which Kubernetes the image embeds. ' +
        'Import the image manifest.json that `edge-orch emt compose` writes next to the image (build/<image>/manifest.json), which adds "image" and "kubernetes"',
    );
  }
  const image = readRecord(doc, 'image', '');
  return withSourceFields(MANIFEST_FIELDS, () =>
    parseOsProfile({
      name: name ?? image['name'],
      displayName: image['description'] ?? image['name'],
      version: image['version'],
      osType: image['osType'],
      architecture: image['architecture'],
      imageUrl: image['imageUrl'],
      imageSha256: image['imageSha256'],
      description: image['description'],
      packages: readList(doc, 'Repo', ''),
      kubernetes: doc['kubernetes'] ?? null,
      source: 'manifest',
      unusedFields: Object.fromEntries(Object.entries(doc).filter(([key]) => !['Repo', 'image', 'kubernetes'].includes(key))),
    }),
  );
}

const MANIFEST_FIELDS: Record<string, string> = {
  name: 'image/name',
  displayName: 'image/description',
  version: 'image/version',
  osType: 'image/osType',
  architecture: 'image/architecture',
  imageUrl: 'image/imageUrl',
  imageSha256: 'image/imageSha256',
  packages: 'Repo',
};

/**
 * Imports the infra-core OS-profile YAML (open-edge-platform/infra-core os-profiles/*.yaml).
 * `metadata.kubernetes-version` names the K3s the image embeds, at EMT's standard paths.
 */
export function parseInfraCoreProfile(doc: unknown, { name }: { name?: string } = {}): OsProfile {
  if (!isRecord(doc)) throw new AppError('MalformedDocument', `the OS profile YAML must be a mapping, got ${describe(doc)}`);
  const spec = readRecord(doc, 'spec', '');
  const metadata = readOptionalRecord(doc, 'metadata', '') ?? {};
  const type = readString(spec, 'type', 'spec/');
  const osType = ({ OS_TYPE_IMMUTABLE: 'immutable', OS_TYPE_MUTABLE: 'mutable' } as const)[type as 'OS_TYPE_IMMUTABLE'];
  if (!osType) throw invalidField('spec/type', `spec/type must be OS_TYPE_IMMUTABLE or OS_TYPE_MUTABLE, got ${JSON.stringify(type)}`);
  const k8sVersion = metadata['kubernetes-version'];
  return withSourceFields(INFRA_CORE_FIELDS, () =>
    parseOsProfile({
      name: name ?? spec['profileName'],
      displayName: spec['name'],
      // YAML reads an unquoted 3.0 as a number; a version is text.
      version: typeof spec['osImageVersion'] === 'number' ? String(spec['osImageVersion']) : spec['osImageVersion'],
      osType,
      architecture: spec['architecture'],
      imageUrl: spec['osImageUrl'],
      imageSha256: spec['osImageSha256'],
      description: spec['description'],
      packages: [],
      kubernetes: k8sVersion === undefined || k8sVersion === null || k8sVersion === '' ? null : { version: k8sVersion },
      source: 'infra-core',
      resourceId: spec['resourceId'],
      securityFeature: spec['securityFeature'],
      provider: spec['provider'],
      platformBundle: spec['platformBundle'],
      unusedFields: infraCoreUnusedFields(doc, spec, metadata),
    }),
  );
}

const INFRA_CORE_SPEC_READ = [
  'profileName',
  'name',
  'type',
  'osImageVersion',
  'architecture',
  'osImageUrl',
  'osImageSha256',
  'description',
  'resourceId',
  'securityFeature',
  'provider',
  'platformBundle',
];

/** What edge-orch does not read of an infra-core profile, in the document's own shape (appVersion, metadata, spec). */
function infraCoreUnusedFields(doc: Doc, spec: Doc, metadata: Doc): Doc {
  const unusedSpec = Object.fromEntries(Object.entries(spec).filter(([key]) => !INFRA_CORE_SPEC_READ.includes(key)));
  const unusedMetadata = Object.fromEntries(Object.entries(metadata).filter(([key]) => key !== 'kubernetes-version'));
  const rest = Object.fromEntries(Object.entries(doc).filter(([key]) => !['spec', 'metadata'].includes(key)));
  return { ...rest, metadata: unusedMetadata, spec: unusedSpec };
}

/** Our field → the infra-core YAML field it came from, so errors name what the user sees in the file. */
const INFRA_CORE_FIELDS: Record<string, string> = {
  name: 'spec/profileName',
  displayName: 'spec/name',
  version: 'spec/osImageVersion',
  architecture: 'spec/architecture',
  imageUrl: 'spec/osImageUrl',
  imageSha256: 'spec/osImageSha256',
  description: 'spec/description',
  resourceId: 'spec/resourceId',
  securityFeature: 'spec/securityFeature',
  provider: 'spec/provider',
  platformBundle: 'spec/platformBundle',
  'kubernetes/version': 'metadata/kubernetes-version',
};

function withSourceFields<T>(fields: Record<string, string>, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const from =
      error instanceof AppError && error.field
        ? Object.keys(fields).find((k) => error.field === k || error.field!.startsWith(`${k}/`))
        : undefined;
    if (error instanceof AppError && from !== undefined) {
      const field = fields[from]! + error.field!.slice(from.length);
      throw new AppError(error.code, renameField(error.detail, error.field!, field), { field, cause: error });
    }
    throw error;
  }
}

/** Renames `from` to `to` in a message, but never inside a quoted value: the user's value is shown as given. */
function renameField(detail: string, from: string, to: string): string {
  return detail
    .split(/("(?:[^"\\]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replaceAll(from, to)))
    .join('');
}

/** Reads an OS profile file of any supported format: manifest.json, infra-core YAML, or our own JSON. */
export function parseOsProfileDocument(text: string, { name }: { name?: string } = {}): OsProfile {
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON, so one parser reads both formats
  } catch (cause) {
    throw new AppError('MalformedDocument', `the OS profile file is neither JSON nor YAML: ${(cause as Error).message.split('\n')[0]}`, {
      cause,
    });
  }
  const named = name ? { name } : {};
  if (isRecord(doc) && 'Repo' in doc) return parseImageManifestProfile(doc, named);
  if (isRecord(doc) && 'spec' in doc && 'appVersion' in doc) return parseInfraCoreProfile(doc, named);
  if (isRecord(doc) && 'osType' in doc) return parseOsProfile(name ? { ...doc, name } : doc);
  throw new AppError(
    'MalformedDocument',
    'the OS profile file is not a known format: expected an image manifest.json ("Repo" and "image"), an infra-core OS profile YAML ("appVersion" and "spec"), or an edge-orch OS profile ("osType")',
  );
}
