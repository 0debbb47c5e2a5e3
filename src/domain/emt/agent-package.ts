/**
 * The `edge-orch-agent` package: the agent as an EMT image carries it, started by systemd on boot with its
 * settings from /etc (never from argv, which `ps` shows). A host has no Node.js, so the package carries its own
 * pinned Node.js runtime, and the agent bundled into one JavaScript file that names that runtime in its first
 * line (docs/emt.md, "The agent package").
 */
import { parseEmtArch, toRpmArch } from './arch.ts';
import { parsePackageVersion, parseRelease, type EmtPackage } from './k3s-package.ts';

export const AGENT_PACKAGE_NAME = 'edge-orch-agent';

/** Where the package installs each file; the unit runs `program --config config`. */
export const AGENT_PACKAGE_PATHS = {
  program: '/usr/bin/edge-orch-agent',
  runtime: '/usr/lib/edge-orch-agent/node',
  unit: '/usr/lib/systemd/system/edge-orch-agent.service',
  config: '/etc/edge-orch/agent.yaml',
} as const;

export const AGENT_UNIT_NAME = 'edge-orch-agent.service';

/** The target whose start pulls the agent in (the unit's WantedBy=), and where enabling links it. */
export const AGENT_WANTED_BY = 'multi-user.target';
export const AGENT_ENABLED_LINK = `/etc/systemd/system/${AGENT_WANTED_BY}.wants/${AGENT_UNIT_NAME}`;

/** The source file names `edge-orch emt agent-sources` writes and the SPEC names. */
export const AGENT_SOURCES = {
  program: 'edge-orch-agent',
  runtime: 'node',
  unit: AGENT_UNIT_NAME,
  config: 'agent.yaml',
} as const;

/** The Node.js major version the agent runs on (package.json's engines); the runtime packaged must be this one. */
export const AGENT_RUNTIME_MAJOR = 24;

/**
 * A fast payload: the runtime is about 120 MB, and zstd at level 3 packs it in about a second where rpm's
 * default levels take a minute, for a package a third larger.
 */
const AGENT_PAYLOAD = 'w3.zstdio';

/** The package for `version` (an RPM version, for example 0.1.0, or a release number) and `arch` (amd64, arm64). */
export function computeAgentPackage({ version, arch, release = '1' }: { version: unknown; arch: unknown; release?: unknown }): EmtPackage {
  const enable = [
    // `systemctl enable` as a file operation: an image root has no running systemd, and maybe no systemctl.
    'if arg[2] == 1 then',
    '  local path = ""',
    `  for part in string.gmatch("${AGENT_ENABLED_LINK.slice(0, AGENT_ENABLED_LINK.lastIndexOf('/'))}", "[^/]+") do`,
    '    path = path .. "/" .. part',
    '    if not posix.stat(path) then posix.mkdir(path) end',
    '  end',
    `  if not posix.readlink("${AGENT_ENABLED_LINK}") then posix.symlink("${AGENT_PACKAGE_PATHS.unit}", "${AGENT_ENABLED_LINK}") end`,
    'end',
  ];
  return {
    name: AGENT_PACKAGE_NAME,
    rpmVersion: parsePackageVersion(version),
    release: parseRelease(release),
    arch: toRpmArch(parseEmtArch(arch)),
    summary: 'edge-orch agent: enrolls the host and installs K3s as the orchestrator asks',
    license: 'Apache-2.0',
    url: 'https://github.com/edge-orch/edge-orch',
    description: [
      `The edge-orch agent as a systemd service (${AGENT_UNIT_NAME}, enabled), with its settings in ${AGENT_PACKAGE_PATHS.config}`,
      `and its own Node.js ${AGENT_RUNTIME_MAJOR} runtime in ${AGENT_PACKAGE_PATHS.runtime.slice(0, AGENT_PACKAGE_PATHS.runtime.lastIndexOf('/'))}.`,
    ],
    provides: [],
    files: [
      { source: AGENT_SOURCES.program, target: AGENT_PACKAGE_PATHS.program, mode: 0o755 },
      { source: AGENT_SOURCES.runtime, target: AGENT_PACKAGE_PATHS.runtime, mode: 0o755 },
      { source: AGENT_SOURCES.unit, target: AGENT_PACKAGE_PATHS.unit, mode: 0o644 },
      // It holds the enrollment token; the image's own copy stays when the package is updated.
      { source: AGENT_SOURCES.config, target: AGENT_PACKAGE_PATHS.config, mode: 0o600, config: 'noreplace' },
    ],
    payload: AGENT_PAYLOAD,
    postLua: enable,
    // On erase (not on update): stop the service where systemd runs, and undo the enabling.
    preunLua: [
      'if arg[2] == 0 and posix.access("/run/systemd/system") then',
      `  for _, systemctl in ipairs({"/usr/bin/systemctl", "/bin/systemctl"}) do`,
      `    if posix.access(systemctl, "x") then rpm.execute(systemctl, "stop", "${AGENT_UNIT_NAME}") break end`,
      '  end',
      'end',
    ],
    postunLua: ['if arg[2] == 0 then', `  os.remove("${AGENT_ENABLED_LINK}")`, 'end'],
  };
}
