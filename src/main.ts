/**
 * Composition root: the only place concrete parts are wired (STYLE C2). Runs the edge-orch CLI.
 */
import { runAgentCommand } from './agent/agent-command.ts';
import { createProgram } from './cli/main.ts';
import { loadServerConfig } from './config.ts';
import { startServer } from './server.ts';

await createProgram({ loadServerConfig, startServer, runAgentCommand }).parseAsync(process.argv);
