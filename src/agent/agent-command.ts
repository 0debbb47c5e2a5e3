/**
 * `edge-orch agent`, declared by the agent, which owns what its flags mean: the command with its flags and help
 * text, and how a parsed command runs. The composition root (src/main.ts) hands this to the CLI, which adds the
 * command to its program and reports its errors; cli and agent never import each other. The agent itself
 * (run-agent-command.ts) is loaded only when the command runs, so every other command starts quickly.
 */
import { Command, Option } from 'commander';
import { invalidField } from '../domain/errors.ts';
import type { AgentConfig } from '../render/bootstrap/agent-config.ts';
import type { AgentSettings } from './agent-settings.ts';

export interface AgentCommand {
  /** The `agent` command with its flags and help; the CLI gives it its action. */
  command: Command;
  /** Runs the agent with the flags `command` was parsed with (the program's --server included); resolves with the exit code. */
  run(command: Command): Promise<number>;
}

/**
 * `edge-orch agent`, or with `standalone` the `edge-orch-agent` program the agent package installs: the same
 * flags, plus --server and --ca-file, which `edge-orch` has as global options.
 */
export function createAgentCommand({ standalone = false }: { standalone?: boolean } = {}): AgentCommand {
  const command = new Command(standalone ? 'edge-orch-agent' : 'agent')
    .description(
      "Run the edge agent: enroll this host, pull its desired state, install or remove K3s, report back. The orchestrator is --server <https url> (or EDGE_ORCH_SERVER); --ca-file (or EDGE_ORCH_CA_FILE) is the CA trusted until enrollment pins the server's; every setting can come from --config",
    )
    .option('--config <file>', 'a YAML file of settings: the long flags in camelCase (enrollToken, server, caFile, ...); flags override it')
    .addOption(
      new Option(
        '--enroll-token <token>',
        "the project's enrollment token (used once; then the stored host credential); prefer enrollToken in --config, which ps does not show",
      ).env('EDGE_ORCH_ENROLL_TOKEN'),
    )
    .option('--uuid <uuid>', "the host's system UUID (default: /sys/class/dmi/id/product_uuid)")
    .option('--serial <serial>', "the host's serial number (default: /sys/class/dmi/id/product_serial)")
    .option('--root <dir>', "emulate a host: bind this image root's K3s paths at their real locations in a private mount namespace")
    .option('--state-dir <dir>', 'where the host credential is kept (inside the root with --root)', '/var/lib/edge-orch-agent')
    .option(
      '--address <address>',
      'the address others reach this host at, put into the kubeconfig (default: the first non-loopback address)',
    )
    .option('--once', 'act on the desired state once and exit (exit code 1 when that failed)')
    .addOption(
      new Option(
        '--mirror-url <url>',
        'the artifact mirror the server was started with: the agent downloads K3s only from there (default: only from K3s upstream)',
      ).env('EDGE_ORCH_MIRROR_URL'),
    )
    .option('--insecure-http', 'allow an http:// server (tests only): whoever sits on the path could send plans the agent runs as root')
    .addOption(new Option('--inside-host-root').hideHelp());
  if (standalone) {
    command
      .addOption(new Option('--server <url>', 'the orchestrator URL').env('EDGE_ORCH_SERVER'))
      .addOption(
        new Option('--ca-file <file>', "the CA trusted until enrollment pins the server's, for example its ca.crt").env(
          'EDGE_ORCH_CA_FILE',
        ),
      );
  }
  return {
    command,
    run: async (parsed) => (await import('./run-agent-command.ts')).runAgentCommand(await readAgentSettings(parsed)),
  };
}

/**
 * The settings: a flag given on the command line or in its environment variable, else the --config file's key,
 * else the flag's default. --server and --ca-file are the program's global options under `edge-orch` (the agent
 * never reads the user's login file), where their variables are read here.
 */
export async function readAgentSettings(parsed: Command): Promise<AgentSettings> {
  const flags = parsed.optsWithGlobals<AgentConfig & { config?: string; insideHostRoot?: boolean }>();
  const fromEnv: AgentConfig = {
    ...(process.env['EDGE_ORCH_SERVER'] ? { server: process.env['EDGE_ORCH_SERVER'] } : {}),
    ...(process.env['EDGE_ORCH_CA_FILE'] ? { caFile: process.env['EDGE_ORCH_CA_FILE'] } : {}),
  };
  // Imported here, not at the top: the settings file's YAML parser is a sixth of every other command's start.
  const [{ AGENT_CONFIG_KEYS }, { readAgentConfig }] = await Promise.all([
    import('../render/bootstrap/agent-config.ts'),
    import('./agent-config.ts'),
  ]);
  const file = flags.config ? await readAgentConfig(flags.config) : {};
  const settings: Record<string, unknown> = { ...(flags.insideHostRoot ? { insideHostRoot: true } : {}) };
  for (const key of Object.keys(AGENT_CONFIG_KEYS) as (keyof AgentConfig)[]) {
    const source = parsed.getOptionValueSourceWithGlobals(key);
    const given = source === 'cli' || source === 'env' ? flags[key] : undefined;
    settings[key] = given ?? fromEnv[key] ?? file[key] ?? flags[key];
  }
  const where = flags.config ? ` in ${flags.config}` : ' in --config';
  if (!settings['server'])
    throw invalidField('server', `edge-orch agent needs the orchestrator URL: server${where}, --server <url> or EDGE_ORCH_SERVER`);
  if (!settings['enrollToken'])
    throw invalidField(
      'enrollToken',
      `edge-orch agent needs the project's enrollment token: enrollToken${where}, --enroll-token or EDGE_ORCH_ENROLL_TOKEN`,
    );
  return settings as unknown as AgentSettings;
}
