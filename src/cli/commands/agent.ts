/**
 * `edge-orch agent`: runs the edge agent on this host (or, with --root, on an emulated host). The CLI only parses
 * the flags; the agent itself is handed in by the composition root (src/main.ts), since cli and agent are
 * sibling layers that do not import each other (STYLE L1).
 */
import { Option, type Command } from 'commander';
import type { AgentSettings } from '../../domain/agent-settings.ts';
import { invalidField } from '../../domain/errors.ts';
import { runAction } from '../command-context.ts';

export interface AgentCommandDeps {
  /** Runs the agent; resolves with the exit code. */
  runAgentCommand(flags: AgentSettings): Promise<number>;
}

export function registerAgentCommand(program: Command, { runAgentCommand }: AgentCommandDeps): Command {
  return program
    .command('agent')
    .description(
      'Run the edge agent: enroll this host, pull its desired state, install or remove K3s, report back. The orchestrator is the global --server <url> (or EDGE_ORCH_SERVER)',
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
    .addOption(new Option('--inside-host-root').hideHelp())
    .action(
      runAction(async function runAgentAction(this: Command) {
        // --server is the program's global option (the agent never reads the user's login file).
        const { server = process.env['EDGE_ORCH_SERVER'], ...flags } = this.optsWithGlobals<
          Omit<AgentSettings, 'server'> & { server?: string }
        >();
        if (!server) throw invalidField('server', 'edge-orch agent needs the orchestrator URL: --server <url> (or EDGE_ORCH_SERVER)');
        process.exitCode = await runAgentCommand({ ...flags, server });
      }),
    );
}
