/**
 * Every top-level command: its name and description (what `edge-orch --help` lists), and how to import and add
 * it when a run names it. A test checks each description against the one its module declares.
 */
import type { Command } from 'commander';
import type { AgentCommandDeps } from './commands/agent.ts';
import type { SecretsCommandDeps } from './commands/secrets.ts';
import type { ServeDeps } from './commands/serve.ts';

type Deps = ServeDeps<unknown> & AgentCommandDeps & SecretsCommandDeps;

export interface CommandEntry {
  name: string;
  /** The agent declares its own (it owns the command; see agent-command.ts). */
  description: string | ((deps: Deps) => string);
  register(program: Command, deps: Deps): Promise<unknown>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    description: 'Start the orchestrator (SQLite under ./data unless --database names PostgreSQL)',
    register: async (program, deps) => (await import('./commands/serve.ts')).registerServeCommand(program, deps),
  },
  {
    name: 'login',
    description: 'Save the server, project and API token for later commands (the token is checked first)',
    register: async (program) => (await import('./commands/login.ts')).registerLoginCommand(program),
  },
  {
    name: 'osprofile',
    description: 'OS profiles: what an image is and which K3s it embeds',
    register: async (program) => (await import('./commands/osprofile.ts')).registerOsProfileCommands(program),
  },
  {
    name: 'template',
    description: 'Cluster templates (K3s or RKE2, versioned)',
    register: async (program) => (await import('./commands/template.ts')).registerTemplateCommands(program),
  },
  {
    name: 'host',
    description: 'Hosts: edge machines known by uuid and/or serial',
    register: async (program) => (await import('./commands/host.ts')).registerHostCommands(program),
  },
  {
    name: 'registration',
    description: "Registration jobs: each host's steps (register, provision, cluster) and their results",
    register: async (program) => (await import('./commands/registration.ts')).registerRegistrationCommands(program),
  },
  {
    name: 'cluster',
    description: 'Clusters: create them on existing hosts, follow them, add and remove nodes, delete them',
    register: async (program) => {
      const { registerClusterCommands } = await import('./commands/cluster.ts');
      const { addClusterRenderCommand } = await import('./commands/render.ts');
      addClusterRenderCommand(registerClusterCommands(program));
    },
  },
  {
    name: 'token',
    description: 'API tokens of the project, each bound to a role (admin only)',
    register: async (program) => (await import('./commands/token.ts')).registerTokenCommands(program),
  },
  {
    name: 'enrollment-token',
    description: 'Enrollment tokens: what edge agents enroll with (edge-orch agent --enroll-token)',
    register: async (program) => (await import('./commands/enrollment-token.ts')).registerEnrollmentTokenCommands(program),
  },
  {
    name: 'onboarding',
    description: "The project's onboarding: automatic, or after approval",
    register: async (program) => (await import('./commands/onboarding.ts')).registerOnboardingCommands(program),
  },
  {
    name: 'audit',
    description: 'Show the audit log: every change asked of the API, who asked, with which token, and the result (admin only)',
    register: async (program) => (await import('./commands/audit.ts')).registerAuditCommand(program),
  },
  {
    name: 'secrets',
    description: 'Secrets at rest (kubeconfigs, join tokens): the key they are sealed with',
    register: async (program, deps) => (await import('./commands/secrets.ts')).registerSecretsCommands(program, deps),
  },
  {
    name: 'agent',
    description: (deps) => deps.agentCommand().command.description(),
    register: async (program, deps) => (await import('./commands/agent.ts')).registerAgentCommand(program, deps),
  },
  {
    name: 'emt',
    description: 'Build K3s into Edge Microvisor Toolkit images (runs locally, needs rpmbuild, createrepo_c, dnf)',
    register: async (program) => (await import('./commands/emt.ts')).registerEmtCommands(program),
  },
];

/** Global options that take a value, so the value is not taken for the command's name. */
const VALUED_OPTIONS = new Set(['-o', '--output', '--server', '--project', '--token', '--ca-file']);

/** The top-level command `args` (argv after node and the script) name, also as `help <command>`; undefined when none. */
export function commandNamed(args: readonly string[]): string | undefined {
  const operands: string[] = [];
  for (let i = 0; i < args.length && operands.length < 2; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      operands.push(...args.slice(i + 1, i + 3));
      break;
    }
    if (VALUED_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) operands.push(arg);
  }
  return operands[0] === 'help' ? operands[1] : operands[0];
}
