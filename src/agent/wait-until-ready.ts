/** After the install script: K3s takes a while to start; the agent probes until it answers or the time is up. */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../domain/errors.ts';
import type { InstallPlan } from '../render/bootstrap/install-plan.ts';
import { probeReadiness } from './probe-readiness.ts';

/** Probes every `probeIntervalMs`; fails with K3sInstallFailed saying why K3s is not ready after `readyMs`. */
export async function waitUntilReady(
  readiness: NonNullable<InstallPlan['readiness']>,
  { readyMs, probeIntervalMs, env }: { readyMs: number; probeIntervalMs: number; env: Record<string, string> },
): Promise<void> {
  const deadline = Date.now() + readyMs;
  for (;;) {
    const notReady = await probeReadiness(readiness, env, Math.max(1000, Math.min(10_000, deadline - Date.now())));
    if (notReady === null) return;
    if (Date.now() + probeIntervalMs > deadline) {
      throw new AppError('K3sInstallFailed', `K3s did not become ready within ${readyMs / 1000} s: ${notReady}`);
    }
    await sleep(probeIntervalMs);
  }
}
