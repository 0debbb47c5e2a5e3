/**
 * Composition root of `edge-orch-agent`, the program the agent package installs (/usr/bin/edge-orch-agent, run by
 * its systemd unit with --config /etc/edge-orch/agent.yaml): the `edge-orch agent` command as a program of its
 * own, bundled into one file with its dependencies so a host needs only the Node.js runtime the package carries.
 */
import { createAgentCommand } from './agent/agent-command.ts';
import { runAction } from './cli/command-context.ts';

const { command, run } = createAgentCommand({ standalone: true });
await command
  .action(
    runAction(async function runAgentAction(this: typeof command) {
      process.exitCode = await run(this);
    }),
  )
  .parseAsync(process.argv);
