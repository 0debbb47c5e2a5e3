/**
 * Generates the K3s stand-ins tests use instead of real K3s (which cannot be downloaded here): the `k3s` binary
 * stand-in with a given version baked in, the install script stand-in, and a small air-gap image tarball. The EMT
 * image build packs the same sources into its K3s RPMs; download-mode tests serve them from a mirror layout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { parseKubernetesVersion } from '../../src/domain/compatibility/k8s-version.ts';

export const STANDIN_DIR = import.meta.dirname;

export type StandinArch = 'amd64' | 'arm64';

export interface StandinOptions {
  /** The K3s version the stand-in reports, for example v1.32.4+k3s1. */
  version: string;
  arch?: StandinArch;
  /** The Node.js the k3s stand-in runs with (its shebang); defaults to the running one. */
  nodePath?: string;
  /** The install script to ship (K3s's real one, see test/support/upstream.ts); defaults to the stand-in. */
  installScript?: string;
  /** Real K3s sizes: the k3s stand-in and the air-gap tarball padded with incompressible bytes to these sizes. */
  sizes?: StandinSizes;
}

export interface StandinSizes {
  /** The k3s binary's size in bytes (a real one is about 70 MB). */
  binaryBytes: number;
  /** The air-gap image tarball's size in bytes (a real one is about 200 MB). */
  airgapBytes: number;
}

export interface StandinFile {
  path: string;
  sha256: string;
}

export interface StandinSources {
  k3s: StandinFile;
  installScript: StandinFile;
  airgapImages: StandinFile[];
}

/** The k3s stand-in's text with `version` and the Node.js path baked in. */
export async function renderK3sStandin({ version, nodePath = process.execPath }: StandinOptions): Promise<string> {
  const checked = parseKubernetesVersion(version, 'version').raw;
  if (!/^\/[A-Za-z0-9._/+-]+$/.test(nodePath)) throw new Error(`nodePath ${JSON.stringify(nodePath)} cannot go into a shebang line`);
  const source = await readFile(join(STANDIN_DIR, 'k3s'), 'utf8');
  const versionLine = /^const VERSION = '[^']*';$/m;
  if (!versionLine.test(source)) throw new Error('test/standins/k3s has no `const VERSION = ...;` line');
  return source.replace(/^#!.*\n/, `#!${nodePath}\n`).replace(versionLine, `const VERSION = ${JSON.stringify(checked)};`);
}

/**
 * The k3s stand-in padded to `bytes` with random bytes, as big and as incompressible as a real K3s binary and still
 * runnable: a shell script whose one command hands the Node.js program in the following lines to Node.js (argv as
 * when Node.js runs the file itself), so neither the shell nor Node.js ever reads the padding after them.
 */
export async function renderPaddedK3sStandin(options: StandinOptions, bytes: number): Promise<Buffer> {
  const nodePath = options.nodePath ?? process.execPath;
  const program = (await renderK3sStandin(options)).replace(/^#!.*\n/, '');
  const lines = program.split('\n').length - 1;
  const head = Buffer.from(
    [
      '#!/bin/sh',
      '# edge-orch k3s stand-in padded to a real K3s binary size; the padding after the program is never read',
      `exec ${nodePath} -e "$(head -n ${lines + 3} "$0" | tail -n +4)" "$0" "$@"`,
      program,
    ].join('\n'),
  );
  return Buffer.concat([head, randomBytes(Math.max(0, bytes - head.length))]);
}

export const renderInstallScriptStandin = (): Promise<string> => readFile(join(STANDIN_DIR, 'install.sh'), 'utf8');

/** The air-gap tarball's file name, as K3s releases name it. */
export const airgapImageName = (arch: StandinArch = 'amd64'): string => `k3s-airgap-images-${arch}.tar.zst`;

/**
 * A small, byte-for-byte reproducible `docker save`-style archive (manifest.json + an image config, no layers),
 * zstd-compressed like K3s's k3s-airgap-images-<arch>.tar.zst.
 */
export function renderAirgapImages({ version, arch = 'amd64' }: Pick<StandinOptions, 'version' | 'arch'>): Buffer {
  const config = JSON.stringify({
    architecture: arch,
    os: 'linux',
    config: { Labels: { 'io.edge-orch.standin': version } },
    rootfs: { type: 'layers', diff_ids: [] },
  });
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: ['docker.io/rancher/mirrored-pause:3.6'], Layers: [] }]);
  return zstdCompressSync(
    tar([
      { name: 'manifest.json', content: manifest },
      { name: configName, content: config },
    ]),
  );
}

/**
 * The air-gap tarball padded to `bytes`: its zstd frame, then one zstd skippable frame of random bytes, so it stays
 * a valid .tar.zst (decompressors skip such frames) with a real one's size and incompressibility.
 */
export function renderPaddedAirgapImages(options: Pick<StandinOptions, 'version' | 'arch'>, bytes: number): Buffer {
  const archive = renderAirgapImages(options);
  const header = Buffer.alloc(8);
  const padding = Math.max(0, bytes - archive.length - header.length);
  header.writeUInt32LE(0x184d2a50, 0); // the first of zstd's skippable frame magic numbers
  header.writeUInt32LE(padding, 4);
  return Buffer.concat([archive, header, randomBytes(padding)]);
}

const k3sBinary = (options: StandinOptions): Promise<string | Buffer> =>
  options.sizes ? renderPaddedK3sStandin(options, options.sizes.binaryBytes) : renderK3sStandin(options);
const airgapArchive = (options: StandinOptions & { arch: StandinArch }): Buffer =>
  options.sizes ? renderPaddedAirgapImages(options, options.sizes.airgapBytes) : renderAirgapImages(options);

/** Writes `k3s` (0755), `install.sh` (0755) and the air-gap tarball (0644) into `dir`. */
export async function writeStandinSources(dir: string, options: StandinOptions): Promise<StandinSources> {
  await mkdir(dir, { recursive: true });
  const arch = options.arch ?? 'amd64';
  return {
    k3s: await put(join(dir, 'k3s'), await k3sBinary(options), 0o755),
    installScript: await put(join(dir, 'install.sh'), options.installScript ?? (await renderInstallScriptStandin()), 0o755),
    airgapImages: [await put(join(dir, airgapImageName(arch)), airgapArchive({ ...options, arch }), 0o644)],
  };
}

/** Where in a mirror the stand-in's system images are, as a registry mirror (K3s's registries.yaml endpoint) serves them. */
export const STANDIN_REGISTRY_PATH = 'registry';

/**
 * Lays out a download mirror the way the install script reads one (its GITHUB_URL = `<dir>/k3s`):
 * `k3s/install.sh`, `k3s/download/<version>/k3s[-arm64]` and `k3s/download/<version>/sha256sum-<arch>.txt`. With
 * `sizes`, the binaries have a real K3s binary's size, and `registry/<air-gap tarball name>` holds the system images
 * a download-mode K3s pulls on its first start (the stand-in pulls them when registries.yaml names a mirror).
 */
export async function writeStandinMirror(
  dir: string,
  {
    versions,
    arch = 'amd64',
    nodePath,
    installScript,
    sizes,
  }: { versions: string[]; arch?: StandinArch; nodePath?: string; installScript?: string; sizes?: StandinSizes },
): Promise<void> {
  await put(join(dir, 'k3s', 'install.sh'), installScript ?? (await renderInstallScriptStandin()), 0o644);
  for (const version of versions) {
    const binaryName = arch === 'amd64' ? 'k3s' : `k3s-${arch}`;
    const binary = await put(
      join(dir, 'k3s', 'download', version, binaryName),
      await k3sBinary({ version, ...(nodePath ? { nodePath } : {}), ...(sizes ? { sizes } : {}) }),
      0o644,
    );
    await put(join(dir, 'k3s', 'download', version, `sha256sum-${arch}.txt`), `${binary.sha256}  ${binaryName}\n`, 0o644);
  }
  if (sizes) {
    const images = renderPaddedAirgapImages({ version: versions[0] ?? 'v0.0.0+k3s1', arch }, sizes.airgapBytes);
    await put(join(dir, STANDIN_REGISTRY_PATH, airgapImageName(arch)), images, 0o644);
  }
}

async function put(path: string, content: string | Buffer, mode: number): Promise<StandinFile> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
  await chmod(path, mode);
  return { path, sha256: createHash('sha256').update(content).digest('hex') };
}

/** A ustar archive of regular files with fixed owner, mode and time, so equal input gives equal bytes. */
function tar(files: { name: string; content: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const body = Buffer.from(file.content);
    const header = Buffer.alloc(512);
    const field = (offset: number, length: number, value: string): void => void header.write(value, offset, length, 'latin1');
    const octal = (offset: number, length: number, value: number): void =>
      field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
    field(0, 100, file.name);
    octal(100, 8, 0o644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, body.length);
    octal(136, 12, 0);
    field(148, 8, ' '.repeat(8));
    field(156, 1, '0');
    field(257, 6, 'ustar\0');
    field(263, 2, '00');
    field(265, 32, 'root');
    field(297, 32, 'root');
    const sum = header.reduce((a, b) => a + b, 0);
    field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
