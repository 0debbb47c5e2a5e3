/** The agent package's systemd unit (domain/emt/agent-package.ts): the agent runs with its settings file, never argv. */
import { AGENT_PACKAGE_PATHS, AGENT_WANTED_BY } from '../../domain/emt/agent-package.ts';

export function renderAgentUnit(): string {
  return [
    '[Unit]',
    'Description=edge-orch agent: enrolls this host and installs K3s as the orchestrator asks',
    'Documentation=https://github.com/edge-orch/edge-orch/blob/main/docs/emt.md',
    'Wants=network-online.target',
    // Not After=k3s.service: the install script restarts K3s, whose start would then wait for a stopping agent.
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    // The enrollment token is in the settings file (0600), so `ps` never shows it.
    `ExecStart=${AGENT_PACKAGE_PATHS.program} --config ${AGENT_PACKAGE_PATHS.config}`,
    // Settings not filled in yet, or an orchestrator out of reach at boot: try again rather than give up.
    'Restart=always',
    'RestartSec=5s',
    // SIGTERM to the agent alone: it lets an install under way finish (the install script is never killed
    // half-way) and exits; whatever is left of the unit's processes after that is killed.
    'KillMode=mixed',
    'TimeoutStopSec=120',
    '',
    '[Install]',
    `WantedBy=${AGENT_WANTED_BY}`,
    '',
  ].join('\n');
}
