/**
 * Looking at an emulated host from the test: waiting for a condition, the agent's journal and log lines, and
 * systemd's word on a unit, each read inside the machine with its own tools.
 */
import { AGENT_UNIT_NAME } from '../../../src/domain/emt/agent-package.ts';
import type { SystemdHost } from '../../hosts/systemd-host.ts';

/** Anything that carries its machine (the test files' own host records). */
export interface OnMachine {
  machine: SystemdHost;
}

/** Polls `check` until it returns a truthy value, which it returns; throws naming `what` on timeout. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The agent's journal on `host` (every boot, as the journal is persistent), one JSON log line per line. */
export async function agentJournal(host: OnMachine, { thisBoot = false } = {}): Promise<string> {
  const args = ['journalctl', '--no-pager', '-o', 'cat', '-u', AGENT_UNIT_NAME, ...(thisBoot ? ['-b'] : [])];
  return (await host.machine.run(args)).output;
}

/** The agent's log lines with message `msg`. */
export async function agentLines(host: OnMachine, msg: string, options?: { thisBoot?: boolean }): Promise<Record<string, unknown>[]> {
  return (await agentJournal(host, options))
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry['msg'] === msg);
}

/** `systemctl <verb> <unit>` inside the host: its one-line answer. */
export const systemctl = async (host: OnMachine, verb: string, unit: string): Promise<string> =>
  (await host.machine.run(['systemctl', verb, unit])).output.trim();

/** Properties of `unit` as `systemctl show` gives them. */
export async function unitProperties(host: OnMachine, unit: string, properties: string[]): Promise<Record<string, string>> {
  const { output } = await host.machine.run(['systemctl', 'show', unit, ...properties.flatMap((p) => ['-p', p])]);
  return Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}
