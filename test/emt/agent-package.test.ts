/**
 * The agent as an EMT image carries it: the edge-orch-agent RPM built with the real rpmbuild from this checkout
 * (the agent bundled into one file, a pinned Node.js runtime, the systemd unit, the settings file), added through
 * a package list and installed with dnf --installroot into an image root; the program runs from that root
 * without the project's node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_ENABLED_LINK, AGENT_PACKAGE_PATHS } from '../../src/domain/emt/agent-package.ts';
import { IMAGE_RPM_DB, composeImage } from '../../src/emt/compose-image.ts';
import { AGENT_TEST_VERSION, buildAgentRpm, buildRuntimeLibsRepo, type AgentRpm } from './support/agent-rpm.ts';
import { buildEmtBaseRepo, createWorkspace, NO_K3S_CONFIG, runCli, type Workspace } from './support/emt-workspace.ts';

const AGENT_IMAGE = NO_K3S_CONFIG.replace('"packagelists/selinux-only.json"', '"packagelists/edge-orch-agent.json"');

describe('the edge-orch-agent package', { timeout: 300_000 }, () => {
  let ws: Workspace;
  let agent: AgentRpm;
  let rootfs: string;

  beforeAll(async () => {
    ws = await createWorkspace('v1.32.4+k3s1', { configs: { 'agent-image.json': AGENT_IMAGE } });
    agent = await buildAgentRpm();
    const listed = await runCli(
      ['emt', 'packagelist', 'edge-orch-agent', '--out', join(ws.imageconfigs, 'packagelists', 'edge-orch-agent.json')],
      {
        cwd: ws.dir,
      },
    );
    expect(listed.stderr).toBe('');
    await composeImage({
      configFile: join(ws.imageconfigs, 'agent-image.json'),
      repoDirs: [agent.repo, buildEmtBaseRepo(ws.dir), buildRuntimeLibsRepo(ws.dir, agent.rpm)],
      outDir: join(ws.dir, 'build', 'agent-image'),
    });
    rootfs = join(ws.dir, 'build', 'agent-image', 'rootfs');
    // Shown in the test output: what a build costs here (0 when an earlier run's package was reused).
    console.info(`edge-orch-agent RPM: ${statSync(agent.rpm).size} bytes, built in ${agent.buildMs} ms`);
  });
  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  it('is listed by the edge-orch-agent package list, as the toolkit writes lists', () => {
    expect(readFileSync(join(ws.imageconfigs, 'packagelists', 'edge-orch-agent.json'), 'utf8')).toBe(
      '{\n    "packages": [\n        "edge-orch-agent"\n    ]\n}\n',
    );
  });

  it('installs the program, the runtime, the unit and the settings file, the settings as a kept 0600 config file', () => {
    const rpm = (...args: string[]): string => execFileSync('rpm', ['--nosignature', ...args], { encoding: 'utf8' });
    expect(agent.rpm).toMatch(new RegExp(`/edge-orch-agent-${AGENT_TEST_VERSION}-1\\.emt3\\.x86_64\\.rpm$`));
    expect(rpm('-qp', '--qf', '[%{FILEMODES:perms} %{FILEFLAGS:fflags} %{FILENAMES}\n]', agent.rpm).trim().split('\n').sort()).toEqual([
      '-rw------- cn /etc/edge-orch/agent.yaml',
      '-rw-r--r--  /usr/lib/systemd/system/edge-orch-agent.service',
      '-rwxr-xr-x  /usr/bin/edge-orch-agent',
      '-rwxr-xr-x  /usr/lib/edge-orch-agent/node',
    ]);
    expect(rpm('--root', rootfs, '--dbpath', IMAGE_RPM_DB, '-q', '--qf', '%{NAME}-%{VERSION}', 'edge-orch-agent')).toBe(
      `edge-orch-agent-${AGENT_TEST_VERSION}`,
    );
    expect(statSync(join(rootfs, AGENT_PACKAGE_PATHS.config)).mode & 0o777).toBe(0o600);
  });

  it('starts the agent from its settings file on boot: the unit, enabled for multi-user.target', () => {
    const unit = readFileSync(join(rootfs, AGENT_PACKAGE_PATHS.unit), 'utf8');
    expect(unit).toContain('\nExecStart=/usr/bin/edge-orch-agent --config /etc/edge-orch/agent.yaml\n');
    expect(unit).toContain('\n[Install]\nWantedBy=multi-user.target\n');
    // A stop reaches the agent alone, which finishes an install under way; K3s's restart never waits for it.
    expect(unit).toContain('\nKillMode=mixed\n');
    expect(unit).not.toMatch(/^After=.*k3s/m);
    expect(AGENT_ENABLED_LINK).toBe('/etc/systemd/system/multi-user.target.wants/edge-orch-agent.service');
    expect(lstatSync(join(rootfs, AGENT_ENABLED_LINK)).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(rootfs, AGENT_ENABLED_LINK))).toBe(AGENT_PACKAGE_PATHS.unit);
  });

  it('runs with the packaged runtime alone, from a directory without node_modules', () => {
    const program = join(rootfs, AGENT_PACKAGE_PATHS.program);
    expect(readFileSync(program, 'utf8').split('\n')[0]).toBe(`#!${AGENT_PACKAGE_PATHS.runtime}`);
    const run = (...args: string[]) =>
      spawnSync(join(rootfs, AGENT_PACKAGE_PATHS.runtime), [program, ...args], {
        cwd: rootfs,
        env: { PATH: '/usr/bin:/bin' },
        encoding: 'utf8',
      });
    const help = run('--help');
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: edge-orch-agent \[options\]/);
    expect(help.stdout).toContain('--config <file>');
    // The packaged settings file is a template: the agent says what is missing, and where to set it.
    const unset = run('--config', join(rootfs, AGENT_PACKAGE_PATHS.config));
    expect(unset.status).toBe(2);
    expect(unset.stderr).toContain(`needs the orchestrator URL: server in ${join(rootfs, AGENT_PACKAGE_PATHS.config)}`);
  });

  it('takes the settings file the image build gives, once it parses as the agent reads it', async () => {
    const bad = join(ws.dir, 'agent-bad.yaml');
    writeFileSync(bad, 'server: https://orch.example:8080\nenrol-token: x\n');
    const result = await runCli(['emt', 'agent-sources', '--out', join(ws.dir, 'agent-sources'), '--config', bad], { cwd: ws.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad} line 2: unknown key "enrol-token"`);
  });

  it('undoes the enabling when erased', () => {
    execFileSync('rpm', ['--root', rootfs, '--dbpath', IMAGE_RPM_DB, '-e', '--nodeps', 'edge-orch-agent']);
    expect(() => lstatSync(join(rootfs, AGENT_ENABLED_LINK))).toThrow(/ENOENT/);
  });
});
