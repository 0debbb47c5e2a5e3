/**
 * `edge-orch agent`, declared by the agent, which owns what its flags mean: the command with its flags and help
 * text, and how a parsed command runs. The composition root (src/main.ts) hands this to the CLI, which adds the
 * command to its program and reports its errors; cli and agent never import each other. The agent itself
 * (run-agent-command.ts) is loaded only when the command runs, so every other command starts quickly.
 */
import { Command, Option } from 'commander';
import { invalidField } from '../domain/errors.ts';
import type { AgentSettings } from './agent-settings.ts';

export interface AgentCommand {
  /** The `agent` command with its flags and help; the CLI gives it its action. */
  command: Command;
  /** Runs the agent with the flags `command` was parsed with (the program's --server included); resolves with the exit code. */
  run(command: Command): Promise<number>;
}

export function createAgentCommand(): AgentCommand {
  const command = new Command('agent')
    .description(
      "Run the edge agent: enroll this host, pull its desired state, install or remove K3s, report back. The orchestrator is the global --server <https url> (or EDGE_ORCH_SERVER); the global --ca-file (or EDGE_ORCH_CA_FILE) is the CA trusted until enrollment pins the server's",
    )
    .addOption(
      new Option('--enroll-token <token>', "the project's enrollment token (used once; then the stored host credential)")
        .env('EDGE_ORCH_ENROLL_TOKEN')
        .makeOptionMandatory(),
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
  return { command, run: async (parsed) => (await import('./run-agent-command.ts')).runAgentCommand(readAgentSettings(parsed)) };
}

/** The settings from the parsed flags; --server is the program's global option (the agent never reads the user's login file). */
function readAgentSettings(parsed: Command): AgentSettings {
  const { server = process.env['EDGE_ORCH_SERVER'], ...flags } = parsed.optsWithGlobals<
    Omit<AgentSettings, 'server'> & { server?: string }
  >();
  if (!server) throw invalidField('server', 'edge-orch agent needs the orchestrator URL: --server <url> (or EDGE_ORCH_SERVER)');
  return { ...flags, server };
}
