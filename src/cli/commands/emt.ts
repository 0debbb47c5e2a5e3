/**
 * `edge-orch emt …`: the EMT image side, run locally (no server): SPECs for the K3s packages, rpmbuild +
 * createrepo_c, the k3s package list and image configs, and composing an image root with its manifest.
 */
import { relative } from 'node:path';
import type { Command } from 'commander';
import { invalidField } from '../../domain/errors.ts';
import { K3S_PACKAGE_LIST, K3S_SELINUX_PACKAGE, renderPinnedRequest } from '../../domain/emt/package-list.ts';
import { parseEmtArch, toRpmArch } from '../../domain/emt/arch.ts';
import { parseKubernetesVersion, toRpmVersion } from '../../domain/compatibility/k8s-version.ts';
import { computeK3sAddonsPackage, computeK3sPackage, computeK3sSelinuxPackage, type EmtPackage } from '../../domain/emt/k3s-package.ts';
import { AGENT_PACKAGE_NAME, computeAgentPackage } from '../../domain/emt/agent-package.ts';
import { addPackageListToImageConfigs, type ImageConfigResult } from '../../emt/add-package-list.ts';
import { buildPackage, EMT_DIST } from '../../emt/build-package.ts';
import { composeImage } from '../../emt/compose-image.ts';
import { listSourceFiles, writePackageSpec } from '../../emt/write-spec.ts';
import { writeAgentSources } from '../../emt/write-agent-sources.ts';
import { renderPackageList } from '../../render/emt/package-list.ts';
import { writeFileAtomic } from '../../system/write-file-atomic.ts';
import { commandContext, runAction } from '../command-context.ts';
import { renderOutput, type Column } from '../output/output.ts';

interface SpecFlags {
  version: string;
  arch?: string;
  name?: string;
  release?: string;
  packager?: string;
  sources: string;
  out: string;
}

const PACKAGES = {
  k3s: async (f: SpecFlags) => computeK3sPackage({ version: f.version, arch: f.arch ?? 'amd64', release: f.release ?? '1' }),
  'k3s-selinux': async (f: SpecFlags) => computeK3sSelinuxPackage({ version: f.version, release: f.release ?? '1' }),
  'k3s-addons': async (f: SpecFlags) =>
    computeK3sAddonsPackage({ name: f.name, version: f.version, release: f.release ?? '1', sourceFiles: await listSourceFiles(f.sources) }),
  [AGENT_PACKAGE_NAME]: async (f: SpecFlags) =>
    computeAgentPackage({ version: f.version, arch: f.arch ?? 'amd64', release: f.release ?? '1' }),
} satisfies Record<string, (f: SpecFlags) => Promise<EmtPackage>>;

const IMAGE_CONFIG_COLUMNS: Column<ImageConfigResult>[] = [
  { header: 'IMAGE CONFIG', value: (r) => r.file },
  { header: 'ARCH', value: (r) => r.arch },
  { header: 'RESULT', value: (r) => r.state },
  { header: 'SYSTEM CONFIGS', value: (r) => r.systemConfigs.map((s) => `${s.name ?? s.index}: ${s.state}`).join(', ') },
];

const shown = (path: string): string => relative(process.cwd(), path) || '.';

export function registerEmtCommands(program: Command): void {
  const emt = program
    .command('emt')
    .description('Build K3s into Edge Microvisor Toolkit images (runs locally, needs rpmbuild, createrepo_c, dnf)');

  emt
    .command('spec <package>')
    .description(`Write SPECS/<package>/<package>.spec and its signatures.json; package is one of ${Object.keys(PACKAGES).join(', ')}`)
    .requiredOption(
      '--version <version>',
      `k3s: the upstream K3s version (v1.32.4+k3s1); k3s-selinux, k3s-addons: a K3s or RPM version; ${AGENT_PACKAGE_NAME}: an RPM version (0.1.0)`,
    )
    .option('--arch <arch>', `k3s, ${AGENT_PACKAGE_NAME}: amd64 or arm64`, 'amd64')
    .option('--name <name>', 'k3s-addons: the addon name (package k3s-addons-<name>)')
    .option('--release <release>', 'RPM release number (written as N%{?dist})', '1')
    .option('--packager <author>', 'the changelog entry\'s author, "Name <email>"')
    .requiredOption('--sources <dir>', 'directory holding the source files, hashed into the signatures file')
    .requiredOption('--out <dir>', 'directory to write the SPEC into, for example SPECS/k3s')
    .action(
      runAction(async function specAction(this: Command, packageName: string) {
        const ctx = commandContext(this);
        const flags = this.opts<SpecFlags>();
        const compute = (PACKAGES as Record<string, (f: SpecFlags) => Promise<EmtPackage>>)[packageName];
        if (!compute)
          throw invalidField(
            'package',
            `package ${JSON.stringify(packageName)} is not one edge-orch writes a SPEC for; expected one of ${Object.keys(PACKAGES).join(', ')}`,
          );
        const pkg = await compute(flags);
        const generatedBy = [
          'edge-orch emt spec',
          packageName,
          `--version ${flags.version}`,
          ...(packageName === 'k3s' || packageName === AGENT_PACKAGE_NAME ? [`--arch ${flags.arch}`] : []),
          ...(flags.name ? [`--name ${flags.name}`] : []),
        ].join(' ');
        const written = await writePackageSpec({
          pkg,
          sourcesDir: flags.sources,
          outDir: flags.out,
          generatedBy,
          ...(flags.packager ? { packager: flags.packager } : {}),
        });
        ctx.print(
          ctx.format === 'table'
            ? `wrote ${shown(written.specFile)} and ${shown(written.signaturesFile)} (${written.name} ${written.rpmVersion}-${written.release} ${written.arch}, ${Object.keys(written.signatures).length} sources)`
            : renderOutput(ctx.format, written, [], []),
        );
      }),
    );

  emt
    .command('agent-sources')
    .description(
      `Write the sources of the ${AGENT_PACKAGE_NAME} package: the agent bundled into one file, the pinned Node.js runtime, the systemd unit and the settings file`,
    )
    .requiredOption('--out <dir>', 'the sources directory, for example sources/edge-orch-agent')
    .option('--node <file>', 'the Node.js 24 binary to package as the runtime (default: the one running edge-orch)')
    .option('--config <file>', 'the settings file to package as /etc/edge-orch/agent.yaml (default: a commented template)')
    .action(
      runAction(async function agentSourcesAction(this: Command) {
        const ctx = commandContext(this);
        const o = this.opts<{ out: string; node?: string; config?: string }>();
        const written = await writeAgentSources({
          outDir: o.out,
          ...(o.node ? { nodePath: o.node } : {}),
          ...(o.config ? { configFile: o.config } : {}),
        });
        ctx.print(
          ctx.format === 'table'
            ? `wrote ${written.files.map((f) => f.name).join(', ')} into ${shown(written.outDir)} (Node.js ${written.nodeVersion})`
            : renderOutput(ctx.format, written, [], []),
        );
      }),
    );

  emt
    .command('build')
    .description(
      'Check the sources against the signatures, rpmbuild the SPEC, copy the RPMs into the repository and index it (createrepo_c)',
    )
    .requiredOption('--spec <dir>', 'the SPEC directory, for example SPECS/k3s')
    .requiredOption('--sources <dir>', 'directory holding the source files')
    .requiredOption('--repo <dir>', 'the local RPM repository')
    .option('--dist <tag>', '%{dist}, which Release: N%{?dist} appends', EMT_DIST)
    .action(
      runAction(async function buildAction(this: Command) {
        const ctx = commandContext(this);
        const { spec, sources, repo, dist } = this.opts<{ spec: string; sources: string; repo: string; dist: string }>();
        const result = await buildPackage({ specDir: spec, sourcesDir: sources, repoDir: repo, dist });
        ctx.print(
          ctx.format === 'table' ? result.rpms.map((r) => `built ${shown(r)}`).join('\n') : renderOutput(ctx.format, result, [], []),
        );
      }),
    );

  emt
    .command('packagelist <name>')
    .description(
      `Write an EMT toolkit package list: k3s lists ${K3S_PACKAGE_LIST.join(', ')}, as the toolkit's own does; ${AGENT_PACKAGE_NAME} lists the agent`,
    )
    .requiredOption('--out <file>', 'for example toolkit/imageconfigs/packagelists/k3s.json')
    .option(
      '--k3s-version <version>',
      'pin the k3s package to this upstream version (written k3s=1.32.4+k3s1) instead of the newest in the repository',
    )
    .option('--selinux', `also list ${K3S_SELINUX_PACKAGE}, edge-orch's SELinux policy package (EMT has none)`)
    .option('--include <package...>', 'more packages to list, for example k3s-addons-ingress')
    .action(
      runAction(async function packageListAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const {
          out,
          include = [],
          k3sVersion,
          selinux = false,
        } = this.opts<{ out: string; include?: string[]; k3sVersion?: string; selinux?: boolean }>();
        let packages: string[];
        if (name === AGENT_PACKAGE_NAME) {
          if (k3sVersion !== undefined || selinux)
            throw invalidField('name', `--k3s-version and --selinux are options of the k3s package list, not of ${AGENT_PACKAGE_NAME}`);
          packages = [...new Set([AGENT_PACKAGE_NAME, ...include])];
        } else if (name === 'k3s') {
          const pinned =
            k3sVersion === undefined
              ? 'k3s'
              : renderPinnedRequest('k3s', toRpmVersion(parseKubernetesVersion(k3sVersion, '--k3s-version')));
          packages = [
            ...new Set([...K3S_PACKAGE_LIST.map((p) => (p === 'k3s' ? pinned : p)), ...(selinux ? [K3S_SELINUX_PACKAGE] : []), ...include]),
          ];
        } else {
          throw invalidField('name', `package list ${JSON.stringify(name)} is not known; expected k3s or ${AGENT_PACKAGE_NAME}`);
        }
        await writeFileAtomic(out, renderPackageList(packages));
        ctx.print(
          ctx.format === 'table'
            ? `wrote ${shown(out)} (${packages.join(', ')})`
            : renderOutput(ctx.format, { file: out, packages }, [], []),
        );
      }),
    );

  const imageconfig = emt.command('imageconfig').description('EMT toolkit image configs (toolkit/imageconfigs/*.json)');
  imageconfig
    .command('add-packagelist <packagelist>')
    .description('Append a package list (path relative to --dir) to SystemConfigs[].PackageLists of the image configs named; idempotent')
    .requiredOption('--dir <dir>', 'the image config directory, for example toolkit/imageconfigs')
    .requiredOption('--config <name...>', 'image config file names or globs in --dir, for example edge-image*.json')
    .option('--system-config <name...>', 'SystemConfig names or globs, needed for configs with several (for example "* + K3s")')
    .option('--arch <arch>', "the list's packages' architecture: amd64, arm64, or noarch (fits every config)", 'amd64')
    .option('--dry-run', 'show what would change and write nothing')
    .action(
      runAction(async function addPackageListAction(this: Command, entry: string) {
        const ctx = commandContext(this);
        const o = this.opts<{ dir: string; config: string[]; systemConfig?: string[]; arch: string; dryRun?: boolean }>();
        const results = await addPackageListToImageConfigs({
          dir: o.dir,
          entry,
          configs: o.config,
          systemConfigs: o.systemConfig ?? [],
          arch: o.arch === 'noarch' ? null : toRpmArch(parseEmtArch(o.arch)),
          dryRun: o.dryRun === true,
        });
        ctx.print(renderOutput(ctx.format, results, results, IMAGE_CONFIG_COLUMNS));
      }),
    );

  emt
    .command('compose')
    .description(
      "Install an image config's package lists from the local repository into build/<image>/rootfs and write build/<image>/manifest.json",
    )
    .requiredOption('--config <file>', 'the image config, for example toolkit/imageconfigs/edge-image.json')
    .requiredOption('--repo <dir...>', 'the RPM repositories: the one emt build writes, and the EMT base repository for a full image')
    .option('--allow-missing <name...>', 'package names the repositories may lack (left out of the image); any other missing one fails')
    .requiredOption('--out <dir>', 'the output directory, for example build/edge-image')
    .option('--name <name>', 'OS profile name (default: the config file name)')
    .option('--image-version <version>', 'image version', '3.0')
    .option('--os-type <type>', 'immutable or mutable', 'immutable')
    .option('--arch <arch>', 'amd64 or arm64', 'amd64')
    .option('--squashfs', 'also pack the root as <image>.squashfs and record its sha256')
    .action(
      runAction(async function composeAction(this: Command) {
        const ctx = commandContext(this);
        const o = this.opts<{
          config: string;
          repo: string[];
          allowMissing?: string[];
          out: string;
          name?: string;
          imageVersion: string;
          osType: string;
          arch: string;
          squashfs?: boolean;
        }>();
        const result = await composeImage({
          configFile: o.config,
          repoDirs: o.repo,
          allowMissing: o.allowMissing ?? [],
          outDir: o.out,
          imageVersion: o.imageVersion,
          osType: o.osType,
          arch: o.arch,
          squashfs: o.squashfs === true,
          ...(o.name ? { name: o.name } : {}),
        });
        if (ctx.format !== 'table')
          return ctx.print(
            renderOutput(
              ctx.format,
              { manifestFile: result.manifestFile, installed: result.installed, missing: result.missing, manifest: result.manifest },
              [],
              [],
            ),
          );
        const k8s = result.manifest.kubernetes;
        ctx.print(
          [
            `installed ${result.installed.join(', ')} into ${shown(result.outDir)}/rootfs`,
            ...(result.missing.length > 0 ? [`left out (allowed missing): ${result.missing.join(', ')}`] : []),
            `wrote ${shown(result.manifestFile)}: ${result.manifest.image.name} ${result.manifest.image.version}, ${k8s ? `embeds ${k8s.flavor} ${k8s.version}` : 'no embedded Kubernetes'}`,
            ...(result.manifest.image.imageUrl
              ? [`packed ${result.manifest.image.imageUrl} (sha256 ${result.manifest.image.imageSha256})`]
              : []),
          ].join('\n'),
        );
      }),
    );
}
