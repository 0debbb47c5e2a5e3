/**
 * The edge agent as a host runs it: a systemd unit enabled in multi-user.target, started by the machine's own
 * systemd on boot, its enrollment settings in a root-only environment file under /etc/edge-orch (never in
 * ExecStart, which `ps` shows). Until the agent's RPM delivers the unit and the program, this writes an
 * equivalent unit into the host's writable layer, running the project's sources with the Node.js runtime the
 * machine sees read-only at the same path; replacing this one function switches the hosts to the package.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const AGENT_UNIT = 'edge-orch-agent.service';
const PROJECT_ROOT = join(import.meta.dirname, '..', '..', '..');
/** What the machine must see read-only at the same path for the unit to run: the Node.js runtime, the project. */
export const AGENT_RUNTIME_PATHS: readonly string[] = [dirname(dirname(process.execPath)), PROJECT_ROOT];

export interface AgentServiceSettings {
  serverUrl: string;
  enrollToken: string;
  /** The server's CA certificate (PEM), trusted until enrollment pins it. */
  caCertificate: string;
  /** The only mirror downloads may come from. */
  mirrorUrl: string;
  /** The machine's identity; an nspawn machine has no DMI (product_uuid, product_serial) of its own. */
  uuid: string;
  serial: string;
}

/** Writes the unit, its enablement and its settings into `upper` (the host's writable layer, before it boots). */
export async function installAgentService(upper: string, settings: AgentServiceSettings): Promise<void> {
  const node = process.execPath;
  for (const path of [node, PROJECT_ROOT])
    if (!/^\/[A-Za-z0-9._/+-]+$/.test(path)) throw new Error(`${JSON.stringify(path)} cannot go into the unit's ExecStart line as it is`);
  const unit = [
    '[Unit]',
    'Description=edge-orch edge agent',
    'Wants=network-online.target',
    // Not After=k3s.service: the install script restarts K3s, which would then wait for a stopping agent.
    'After=network-online.target',
    '',
    '[Service]',
    'Type=exec',
    'EnvironmentFile=/etc/edge-orch/agent.env',
    'EnvironmentFile=/etc/edge-orch/host-identity.env',
    `ExecStart=${node} --disable-warning=ExperimentalWarning ${join(PROJECT_ROOT, 'src', 'main.ts')} agent --uuid \${EDGE_ORCH_HOST_UUID} --serial \${EDGE_ORCH_HOST_SERIAL}`,
    // SIGTERM to the agent alone: it finishes an install under way before exiting, so the install script is
    // never killed half-way; anything left after it exits is killed.
    'KillMode=mixed',
    'TimeoutStopSec=120',
    'Restart=always',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  const { caCertificate, ...values } = settings;
  for (const [name, value] of Object.entries(values))
    if (/[\n\r]/.test(value)) throw new Error(`the agent setting ${name} cannot go into an environment file: it holds a line break`);
  const env = [
    `EDGE_ORCH_SERVER=${settings.serverUrl}`,
    `EDGE_ORCH_ENROLL_TOKEN=${settings.enrollToken}`,
    'EDGE_ORCH_CA_FILE=/etc/edge-orch/server-ca.pem',
    `EDGE_ORCH_MIRROR_URL=${settings.mirrorUrl}`,
    '',
  ].join('\n');
  const identity = [`EDGE_ORCH_HOST_UUID=${settings.uuid}`, `EDGE_ORCH_HOST_SERIAL=${settings.serial}`, ''].join('\n');
  const put = async (path: string, content: string, mode: number): Promise<void> => {
    await mkdir(dirname(join(upper, path)), { recursive: true });
    await writeFile(join(upper, path), content, { mode });
  };
  await put(`/etc/systemd/system/${AGENT_UNIT}`, unit, 0o644);
  await put('/etc/edge-orch/agent.env', env, 0o600);
  await put('/etc/edge-orch/host-identity.env', identity, 0o644);
  await put('/etc/edge-orch/server-ca.pem', caCertificate, 0o644);
  const wants = join(upper, 'etc', 'systemd', 'system', 'multi-user.target.wants');
  await mkdir(wants, { recursive: true });
  await symlink(`/etc/systemd/system/${AGENT_UNIT}`, join(wants, AGENT_UNIT));
}
