/**
 * The plan as the agent executes it: plain data (JSON-safe) with every file's text and the install script's
 * environment rendered, so the host needs no template logic.
 */
import type { BootstrapPlan } from '../../domain/bootstrap/bootstrap-plan.ts';
import type { PlanFile } from '../../domain/bootstrap/k3s-config.ts';
import { renderBootstrapFiles } from './k3s-config.ts';
import { renderInstallEnv } from './install-env.ts';

/** The plan with its texts rendered; like the bootstrap plan, a union on `mode` (the conditional type distributes). */
export type InstallPlan = Rendered<BootstrapPlan>;

type Rendered<Plan> = Plan extends BootstrapPlan
  ? Omit<Plan, 'k3sConfig' | 'templateFiles' | 'install'> & {
      /** Written before the install script runs, in order; the K3s config file is last. */
      files: PlanFile[];
      /** Added to the agent's small fixed base environment for the install script; never a shell string. */
      env: Record<string, string>;
    }
  : never;

export function renderInstallPlan(plan: BootstrapPlan): InstallPlan {
  const { k3sConfig: _config, templateFiles: _files, install, ...rest } = plan;
  return { ...rest, files: renderBootstrapFiles(plan), env: renderInstallEnv(install) };
}
