/**
 * Runs inside `unshare --mount --pid --fork --mount-proc --net` (see sandbox.ts): turns the namespace into an
 * emulated host whose /etc, /var, /usr/local, /opt, /run, /root and /tmp are overlays on a tmpfs, so the real
 * machine is never written; then executes the ops it reads from stdin, one after the other, and prints their results as one JSON line after RESULT_PREFIX. Every process it leaves dies with it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readFile, readlink, writeFile, chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import { cleanupK3s, type CleanupOptions } from '../../../src/agent/cleanup.ts';
import { runInstall } from '../../../src/agent/run-install.ts';
import { safeBaseEnv } from '../../../src/agent/safe-base-env.ts';
import { runProcess } from '../../../src/system/run-process.ts';
import { fromRpmVersion, parseKubernetesVersion, toRpmVersion } from '../../../src/domain/compatibility/k8s-version.ts';
import { RESULT_PREFIX, type SandboxOp, type SandboxRequest, type OpResult, type ObservedPath } from './sandbox-types.ts';

const OVERLAID = ['/etc', '/var', '/usr/local', '/opt', '/run', '/root'];
const HOME = '/run/edge-orch-sandbox';

function sh(argv: string[]): void {
  const run = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${argv.join(' ')} failed: ${run.stderr || run.error?.message}`);
}

async function setUp({ scratch, sources }: SandboxRequest): Promise<void> {
  sh(['mount', '-t', 'tmpfs', '-o', 'mode=0700', 'sandbox', scratch]);
  await cp(sources, join(scratch, 'sources'), { recursive: true });
  for (const dir of OVERLAID) {
    const name = dir.slice(1).replaceAll('/', '_');
    await mkdir(join(scratch, name, 'upper'), { recursive: true });
    await mkdir(join(scratch, name, 'work'), { recursive: true });
    sh([
      'mount',
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${dir},upperdir=${join(scratch, name, 'upper')},workdir=${join(scratch, name, 'work')}`,
      dir,
    ]);
  }
  await mkdir(HOME, { recursive: true });
  sh(['mount', '--bind', scratch, HOME]);
  // /tmp last, and as an overlay rather than an empty tmpfs: the checkout (and the Node.js the stand-ins' shebang
  // names) may live under /tmp and must stay visible; scratch is reached through HOME from here on.
  await mkdir(join(HOME, 'tmp', 'upper'), { recursive: true });
  await mkdir(join(HOME, 'tmp', 'work'), { recursive: true });
  sh([
    'mount',
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=/tmp,upperdir=${join(HOME, 'tmp', 'upper')},workdir=${join(HOME, 'tmp', 'work')}`,
    '/tmp',
  ]);
  sh(['ip', 'link', 'set', 'lo', 'up']);
}

let mirror: { server: Server; requests: string[] } | null = null;

async function startMirror(): Promise<void> {
  const root = join(HOME, 'sources', 'mirror');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    const file = normalize(join(root, path.replace(/^\/mirror\//, '/')));
    if (!file.startsWith(`${root}/`)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(8080, '127.0.0.1', resolve));
  mirror = { server, requests };
}

/** Puts the image's K3s files in place: copied, or installed from an RPM built here (so `rpm -qal` owns them). */
async function installImage({ source, via, readOnlyBin }: Extract<SandboxOp, { op: 'image' }>): Promise<unknown> {
  const dir = join(HOME, 'sources', source);
  const image = (await readFile(join(dir, 'image.json'), 'utf8').then(JSON.parse)) as { version: string; airgapImage: string | null };
  const files: [string, string, number][] = [
    ['k3s', '/usr/local/bin/k3s', 0o755],
    ['install.sh', '/opt/install.sh', 0o755],
    ...(image.airgapImage
      ? [[image.airgapImage, `/var/lib/rancher/k3s/agent/images/${image.airgapImage}`, 0o644] as [string, string, number]]
      : []),
  ];
  if (via === 'copy') {
    for (const [name, target, mode] of files) {
      await mkdir(join(target, '..'), { recursive: true });
      await cp(join(dir, name), target);
      await chmod(target, mode);
    }
  } else {
    const rpmVersion = toRpmVersion(parseKubernetesVersion(image.version));
    if (fromRpmVersion(rpmVersion)?.raw !== image.version) throw new Error(`RPM version ${rpmVersion} does not round-trip`);
    const top = join(HOME, 'rpm');
    const spec = [
      'Name: k3s-standin',
      `Version: ${rpmVersion}`,
      'Release: 1',
      'Summary: edge-orch test stand-in for K3s',
      'License: Apache-2.0',
      'BuildArch: noarch',
      'AutoReqProv: no',
      '%global debug_package %{nil}',
      '%global __os_install_post %{nil}',
      '%description',
      'Stand-in K3s files for tests.',
      '%install',
      ...files.map(
        ([name, target, mode]) => `install -D -m ${mode.toString(8).padStart(4, '0')} %{_sourcedir}/${name} %{buildroot}${target}`,
      ),
      '%files',
      ...files.map(([, target]) => target),
      '',
    ].join('\n');
    await mkdir(top, { recursive: true });
    await writeFile(join(top, 'k3s-standin.spec'), spec);
    sh([
      'rpmbuild',
      '-bb',
      '--quiet',
      '--define',
      `_topdir ${top}`,
      '--define',
      `_sourcedir ${dir}`,
      '--define',
      `_tmppath ${top}/tmp`,
      '--define',
      '_build_id_links none',
      join(top, 'k3s-standin.spec'),
    ]);
    sh(['rpm', '-i', '--nodeps', join(top, 'RPMS', 'noarch', `k3s-standin-${rpmVersion}-1.noarch.rpm`)]);
  }
  if (readOnlyBin) {
    sh(['mount', '--bind', '/usr/local/bin', '/usr/local/bin']);
    sh(['mount', '-o', 'remount,bind,ro', '/usr/local/bin']);
  }
  return { files: files.map(([, target]) => target) };
}

async function observe(paths: string[]): Promise<Record<string, ObservedPath | null>> {
  const out: Record<string, ObservedPath | null> = {};
  for (const path of paths) {
    const info = await lstat(path).catch(() => null);
    if (!info) {
      out[path] = null;
      continue;
    }
    const kind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : 'file';
    const body = kind === 'file' ? await readFile(path) : null;
    out[path] = {
      kind,
      mode: info.mode & 0o7777,
      ...(body
        ? { sha256: createHash('sha256').update(body).digest('hex'), text: body.length < 256 * 1024 ? body.toString('utf8') : null }
        : {}),
      ...(kind === 'symlink' ? { linkTarget: await readlink(path) } : {}),
    };
  }
  return out;
}

async function execute(op: SandboxOp): Promise<unknown> {
  switch (op.op) {
    case 'image':
      return installImage(op);
    case 'mirror':
      return startMirror();
    case 'mirror-requests':
      return mirror?.requests ?? [];
    case 'install': {
      // The server names a plan by its sha256; a test that does not name one gets the same from the rendered plan.
      const planRevision =
        op.options.planRevision ?? createHash('sha256').update(JSON.stringify(op.options.plan)).digest('hex').slice(0, 32);
      return runInstall({ ...op.options, planRevision, baseEnv: safeBaseEnv() });
    }
    case 'cleanup':
      return cleanupK3s(op.options as CleanupOptions);
    case 'observe':
      return observe(op.paths);
    case 'write':
      await mkdir(join(op.path, '..'), { recursive: true });
      await writeFile(op.path, op.content, { mode: op.mode ?? 0o644 });
      return null;
    case 'exec': {
      const run = await runProcess(op.argv, { env: safeBaseEnv(), timeoutMs: 30_000 });
      return { code: run.code, stdout: run.stdout, output: run.output };
    }
  }
}

const request = JSON.parse(readFileSync(0, 'utf8')) as SandboxRequest;
const results: OpResult[] = [];
try {
  await setUp(request);
  for (const op of request.ops) {
    try {
      results.push({ ok: true, value: (await execute(op)) ?? null });
    } catch (error) {
      const e = error as { code?: string; detail?: string; message: string };
      results.push({ ok: false, error: { code: e.code ?? 'Error', detail: e.detail ?? e.message } });
    }
  }
} catch (error) {
  results.push({ ok: false, error: { code: 'SandboxSetup', detail: (error as Error).stack ?? String(error) } });
}
process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(results)}\n`);
process.exit(0);
