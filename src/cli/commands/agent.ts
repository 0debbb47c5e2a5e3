/**
 * `edge-orch agent`: runs the edge agent on this host (or, with --root, on an emulated host). The agent layer
 * declares the command and its flags and runs it; the composition root (src/main.ts) hands it in, since cli and
 * agent are sibling layers that do not import each other (STYLE L1). The CLI adds it and reports its errors.
 */
import type { Command } from 'commander';
import { runAction } from '../command-context.ts';

export interface AgentCommandDeps {
  /** The `agent` command (flags and help, no action) and what runs it; resolves with the exit code. */
  agentCommand(): { command: Command; run(command: Command): Promise<number> };
}

export function registerAgentCommand(program: Command, { agentCommand }: AgentCommandDeps): Command {
  const { command, run } = agentCommand();
  program.addCommand(
    command.action(
      runAction(async function runAgentAction(this: Command) {
        process.exitCode = await run(this);
      }),
    ),
  );
  return command;
}
