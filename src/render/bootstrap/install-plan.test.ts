import { describe, expect, it } from 'vitest';
import { bootstrapInput, emtProfile, loadTemplate } from '../../../test/agent/support/plans.ts';
import { computeBootstrapPlan } from '../../domain/bootstrap/bootstrap-plan.ts';
import { renderInstallPlan } from './install-plan.ts';
import { renderK3sConfig } from './k3s-config.ts';

describe('renderInstallPlan', () => {
  it('turns the decisions into what the agent executes: files with text, the install environment and argv', () => {
    const plan = computeBootstrapPlan(bootstrapInput(loadTemplate('baseline-k3s-v0.0.4.json'), emtProfile()));
    const install = renderInstallPlan(plan);
    expect(install).not.toHaveProperty('k3sConfig');
    expect(install.files).toEqual([
      { path: '/etc/rancher/k3s/config.yaml', content: renderK3sConfig(plan.k3sConfig), mode: 0o600, encoding: 'utf8' },
    ]);
    expect(install.env).toEqual({
      INSTALL_K3S_EXEC: 'server',
      INSTALL_K3S_BIN_DIR: '/usr/local/bin',
      INSTALL_K3S_SKIP_DOWNLOAD: 'true',
      INSTALL_K3S_BIN_DIR_READ_ONLY: 'true',
    });
    expect(install).toMatchObject({
      mode: 'air-gapped',
      argv: ['sh', '/opt/install.sh'],
      verify: plan.verify,
      download: null,
      warnings: plan.warnings,
    });
    expect(JSON.parse(JSON.stringify(install))).toEqual(install);
  });
});
