/** Whether K3s answers: its kubeconfig exists and the plan's readiness command prints `ok`. */
import { stat } from 'node:fs/promises';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { runProcess } from '../system/run-process.ts';
import { outputTail } from './output-tail.ts';

/** Null when ready, otherwise why not. */
export async function probeReadiness(
  readiness: NonNullable<InstallPlan['readiness']>,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<string | null> {
  const hasKubeconfig = await stat(readiness.kubeconfigPath).then(
    () => true,
    () => false,
  );
  if (!hasKubeconfig) return `${readiness.kubeconfigPath} does not exist yet`;
  const run = await runProcess(readiness.argv, { env, timeoutMs, outputLimit: 4096 });
  if (run.code === 0 && run.stdout.trim() === 'ok') return null;
  return `${readiness.argv.join(' ')} answered ${JSON.stringify(outputTail(run.output, 300))}${run.timedOut ? ' (timed out)' : ''}`;
}
