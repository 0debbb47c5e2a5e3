/**
 * Option 2 on the host: runs the OS update command the server sent (argv, no shell, the agent's clean
 * environment). The command writes the new image and reboots the host into it; after the reboot the agent
 * reports the new image's manifest, and the server moves on to installing K3s.
 */
import { runProcess } from '../system/run-process.ts';
import { outputTail } from './output-tail.ts';
import { safeBaseEnv } from './safe-base-env.ts';

/** Writing an image over a weak edge link takes a while. */
const OS_UPDATE_TIMEOUT_MS = 60 * 60_000;

export async function runOsUpdate(argv: readonly string[]): Promise<{ ok: boolean; message: string }> {
  const result = await runProcess(argv, { env: safeBaseEnv(), timeoutMs: OS_UPDATE_TIMEOUT_MS });
  if (result.startError) return { ok: false, message: `the OS update command ${argv[0]} could not start: ${result.startError}` };
  if (result.timedOut)
    return { ok: false, message: `the OS update command ${argv[0]} did not finish in ${OS_UPDATE_TIMEOUT_MS / 60_000} minutes` };
  if (result.code !== 0)
    return { ok: false, message: `the OS update command ${argv[0]} exited with ${result.code}: ${outputTail(result.output)}` };
  return { ok: true, message: `the OS update command ${argv[0]} finished; the host reboots into the new image` };
}
