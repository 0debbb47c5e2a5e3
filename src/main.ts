/**
 * Composition root: the only place concrete parts are wired (STYLE C2). Runs the edge-orch CLI. The server and
 * the agent are loaded only by the commands that run them, so every other command starts quickly.
 */
import type { AgentSettings } from './domain/agent-settings.ts';
import { createProgram } from './cli/main.ts';
import { loadServerConfig, type ServerConfig } from './config.ts';

await createProgram({
  loadServerConfig,
  startServer: async (config: ServerConfig) => (await import('./server.ts')).startServer(config),
  runAgentCommand: async (flags: AgentSettings) => (await import('./agent/agent-command.ts')).runAgentCommand(flags),
}).parseAsync(process.argv);
