/** Which K3s a binary is: the agent compares it with the plan's version before and after an install. */
import { runProcess } from '../system/run-process.ts';

/** `k3s --version` prints `k3s version v1.32.4+k3s1 (hash)` first; null when it does not run or says otherwise. */
export async function readK3sBinaryVersion(binaryPath: string, env: Record<string, string>): Promise<string | null> {
  const run = await runProcess([binaryPath, '--version'], { env, timeoutMs: 30_000, outputLimit: 4096 });
  return run.code === 0 ? (/^k3s version (v\S+)/.exec(run.stdout)?.[1] ?? null) : null;
}
