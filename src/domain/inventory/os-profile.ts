/**
 * OS profiles: what an image is, and which Kubernetes (if any) it embeds. Imported from edge-orch's image
 * manifest.json, from the infra-core OS-profile YAML, or created directly.
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
import type { EmbeddedKubernetes, ImagePackage } from './image-manifest.ts';
import { parseKubernetesVersion } from '../compatibility/k8s-version.ts';

export type OsType = 'immutable' | 'mutable';

export interface OsProfile {
  /** Unique in a project; a DNS label (infra-core's profileName). */
  name: string;
  /** Human name, for example "Edge Microvisor Toolkit 3.0.20260602". */
  displayName: string;
  version: string;
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
  return {
    name: readString(value, 'name', p, { pattern: DNS_SUBDOMAIN, expected: DNS_SUBDOMAIN_FORM }),
    displayName: readOptionalString(value, 'displayName', p) ?? String(value['name']),
    version: readString(value, 'version', p),
    osType,
    architecture: readString(value, 'architecture', p),
    imageUrl: readOptionalString(value, 'imageUrl', p) ?? null,
    imageSha256: readOptionalString(value, 'imageSha256', p, { pattern: SHA256, expected: '64 lowercase hex digits' }) ?? null,
    description: readOptionalString(value, 'description', p) ?? null,
    packages: readList(value, 'packages', p).map((row, i) => parsePackageRow(row, `${p}packages/${i}/`)),
    kubernetes: kubernetes ? parseEmbeddedKubernetes(kubernetes, `${p}kubernetes/`) : null,
    source: (['manifest', 'infra-core', 'api'] as const).find((s) => s === value['source']) ?? 'api',
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

/** Imports edge-orch's image manifest.json (see image-manifest.ts). */
export function parseImageManifestProfile(doc: unknown, { name }: { name?: string } = {}): OsProfile {
  if (!isRecord(doc)) throw new AppError('MalformedDocument', `the image manifest must be a JSON object, got ${describe(doc)}`);
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
export function parseInfraCoreProfile(doc: unknown): OsProfile {
  if (!isRecord(doc)) throw new AppError('MalformedDocument', `the OS profile YAML must be a mapping, got ${describe(doc)}`);
  const spec = readRecord(doc, 'spec', '');
  const metadata = readOptionalRecord(doc, 'metadata', '') ?? {};
  const type = readString(spec, 'type', 'spec/');
  const osType = ({ OS_TYPE_IMMUTABLE: 'immutable', OS_TYPE_MUTABLE: 'mutable' } as const)[type as 'OS_TYPE_IMMUTABLE'];
  if (!osType) throw invalidField('spec/type', `spec/type must be OS_TYPE_IMMUTABLE or OS_TYPE_MUTABLE, got ${JSON.stringify(type)}`);
  const k8sVersion = metadata['kubernetes-version'];
  return withSourceFields(INFRA_CORE_FIELDS, () =>
    parseOsProfile({
      name: spec['profileName'],
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
    }),
  );
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
  if (isRecord(doc) && 'Repo' in doc) return parseImageManifestProfile(doc, name ? { name } : {});
  if (isRecord(doc) && 'spec' in doc && 'appVersion' in doc) return parseInfraCoreProfile(doc);
  if (isRecord(doc) && 'osType' in doc) return parseOsProfile(name ? { ...doc, name } : doc);
  throw new AppError(
    'MalformedDocument',
    'the OS profile file is not a known format: expected an image manifest.json ("Repo" and "image"), an infra-core OS profile YAML ("appVersion" and "spec"), or an edge-orch OS profile ("osType")',
  );
}
