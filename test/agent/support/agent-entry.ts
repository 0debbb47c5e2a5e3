/**
 * Test entry for `edge-orch agent` until src/main.ts hands the agent to the CLI: the real program
 * (createProgram) with the real agent, so `node agent-entry.ts agent --server … …` parses exactly as
 * `edge-orch agent` does. Serving is not wired here.
 */
import { runAgentCommand } from '../../../src/agent/agent-command.ts';
import { createProgram } from '../../../src/cli/main.ts';

const notHere = (): never => {
  throw new Error('agent-entry.ts runs only the agent command');
};
await createProgram({ loadServerConfig: notHere, startServer: notHere, runAgentCommand }).parseAsync(process.argv);
