/**
 * The edge-orch command line (kubectl style: nouns, verbs, -o table|json|yaml). Parts that live in sibling
 * layers (server, agent) are handed in by the composition root, src/main.ts.
 */
import { Command, Option } from 'commander';
import { registerAgentCommand, type AgentCommandDeps } from './commands/agent.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerClusterCommands } from './commands/cluster.ts';
import { registerEmtCommands } from './commands/emt.ts';
import { registerEnrollmentTokenCommands } from './commands/enrollment-token.ts';
import { registerHostCommands } from './commands/host.ts';
import { registerLoginCommand } from './commands/login.ts';
import { registerOnboardingCommands } from './commands/onboarding.ts';
import { registerOsProfileCommands } from './commands/osprofile.ts';
import { registerRegistrationCommands } from './commands/registration.ts';
import { addClusterRenderCommand } from './commands/render.ts';
import { registerSecretsCommands, type SecretsCommandDeps } from './commands/secrets.ts';
import { registerServeCommand, type ServeDeps } from './commands/serve.ts';
import { registerTemplateCommands } from './commands/template.ts';
import { registerTokenCommands } from './commands/token.ts';

export type ProgramDeps<Config> = ServeDeps<Config> & AgentCommandDeps & SecretsCommandDeps;

export function createProgram<Config>(deps: ProgramDeps<Config>): Command {
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
  registerServeCommand(program, deps);
  registerLoginCommand(program);
  registerOsProfileCommands(program);
  registerTemplateCommands(program);
  registerHostCommands(program);
  registerRegistrationCommands(program);
  addClusterRenderCommand(registerClusterCommands(program));
  registerTokenCommands(program);
  registerEnrollmentTokenCommands(program);
  registerOnboardingCommands(program);
  registerAuditCommand(program);
  registerSecretsCommands(program, deps);
  registerAgentCommand(program, deps);
  registerEmtCommands(program);
  return program;
}
