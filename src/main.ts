/**
 * Composition root: the only place concrete parts are wired (STYLE C2). Runs the edge-orch CLI. The server and
 * the agent are loaded only by the commands that run them, so every other command starts quickly.
 */
import { createAgentCommand } from './agent/agent-command.ts';
import { createProgram } from './cli/main.ts';
import { loadServerConfig, type ServerConfig } from './config.ts';

const program = await createProgram({
  loadServerConfig,
  startServer: async (config: ServerConfig) => (await import('./server.ts')).startServer(config),
  agentCommand: createAgentCommand,
  rotateSecrets: async (options) => {
    const { store, secretKeys } = loadServerConfig(options);
    const { rotateSecretKey } = await import('./store/rotate-secret-key.ts');
    return rotateSecretKey({ store, current: secretKeys.current, newKeyFile: options.newSecretKeyFile });
  },
});
await program.parseAsync(process.argv);
