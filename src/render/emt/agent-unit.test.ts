import { describe, expect, it } from 'vitest';
import { renderAgentConfigTemplate, parseAgentConfig } from '../bootstrap/agent-config.ts';
import { renderAgentUnit } from './agent-unit.ts';

describe('the agent unit and its settings template', () => {
  it('runs the agent with its settings file, restarts it, and is wanted by multi-user.target', () => {
    const unit = renderAgentUnit();
    expect(unit).toContain('\n[Service]\nType=simple\nExecStart=/usr/bin/edge-orch-agent --config /etc/edge-orch/agent.yaml\n');
    expect(unit).toContain('\nRestart=always\nRestartSec=5s\n');
    expect(unit).not.toMatch(/^(After|Requires|Wants|BindsTo)=.*k3s/m);
    expect(unit).toMatch(/\n\[Install\]\nWantedBy=multi-user.target\n$/);
    expect(unit).not.toMatch(/enroll-token|enrollToken/);
  });

  it('lets a stop signal reach the agent alone, so an install under way finishes, and waits for it', () => {
    const unit = renderAgentUnit();
    expect(unit).toContain('\nKillMode=mixed\nTimeoutStopSec=120\n');
    // Not ordered after K3s: the install script's restart of K3s would wait for the stopping agent.
    expect(unit).toContain('\nAfter=network-online.target\n');
  });

  it('packages a template that parses as no settings', () => {
    expect(parseAgentConfig(renderAgentConfigTemplate(), '/etc/edge-orch/agent.yaml')).toEqual({ ok: true, value: {} });
  });
});
