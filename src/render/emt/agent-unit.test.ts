import { describe, expect, it } from 'vitest';
import { renderAgentConfigTemplate, parseAgentConfig } from '../bootstrap/agent-config.ts';
import { renderAgentUnit } from './agent-unit.ts';

describe('the agent unit and its settings template', () => {
  it('runs the agent with its settings file, restarts it, and is wanted by multi-user.target', () => {
    const unit = renderAgentUnit();
    expect(unit).toContain('\n[Service]\nType=simple\nExecStart=/usr/bin/edge-orch-agent --config /etc/edge-orch/agent.yaml\n');
    expect(unit).toContain('\nRestart=always\nRestartSec=5s\n');
    expect(unit).toMatch(/\n\[Install\]\nWantedBy=multi-user.target\n$/);
    expect(unit).not.toMatch(/enroll-token|enrollToken/);
  });

  it('packages a template that parses as no settings', () => {
    expect(parseAgentConfig(renderAgentConfigTemplate(), '/etc/edge-orch/agent.yaml')).toEqual({ ok: true, value: {} });
  });
});
