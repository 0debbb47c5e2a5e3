/**
 * The edge-orch command line (kubectl style: nouns, verbs, -o table|json|yaml). Parts that live in sibling
 * layers (server, agent) are handed in by the composition root, src/main.ts.
 *
 * Only the command a run names is imported: the others are listed by name and description for help, so
 * `edge-orch --help` and every command start without loading the rest (commands.ts).
 */
import { Command, Option } from 'commander';
import type { AgentCommandDeps } from './commands/agent.ts';
import type { SecretsCommandDeps } from './commands/secrets.ts';
import type { ServeDeps } from './commands/serve.ts';
import { COMMANDS, commandNamed } from './commands.ts';

export type ProgramDeps<Config> = ServeDeps<Config> & AgentCommandDeps & SecretsCommandDeps;

/** The program for `args` (process.argv): the command they name in full, every other one by its description. */
export async function createProgram<Config>(deps: ProgramDeps<Config>, args: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('edge-orch')
    .description('Turns bare edge machines into running K3s clusters, with Kubernetes built into the OS image')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .option('--server <url>', 'orchestrator URL (EDGE_ORCH_SERVER; default: from edge-orch login)')
    .option('--project <name>', 'project (EDGE_ORCH_PROJECT; default: from edge-orch login)')
    .option('--token <token>', 'API token (EDGE_ORCH_TOKEN; default: from edge-orch login)')
    .option(
      '--ca-file <file>',
      "the CA to trust for an https:// server, for example the server's data/ca.crt (EDGE_ORCH_CA_FILE; default: from edge-orch login)",
    )
    .showHelpAfterError();
  const named = commandNamed(args.slice(2));
  for (const entry of COMMANDS) {
    if (entry.name === named) await entry.register(program, deps);
    else program.command(entry.name).description(typeof entry.description === 'string' ? entry.description : entry.description(deps));
  }
  return program;
}
