/**
 * Reading the agent's settings file (`--config`; its format is render/bootstrap/agent-config.ts). Flags given on
 * the command line or in their environment variables override it (agent-command.ts).
 */
import { readFile } from 'node:fs/promises';
import { invalidField, invalidFields } from '../domain/errors.ts';
import { parseAgentConfig, type AgentConfig } from '../render/bootstrap/agent-config.ts';

/** Reads and parses a settings file; every problem is reported at once (InvalidField naming the file and key). */
export async function readAgentConfig(file: string): Promise<AgentConfig> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw invalidField('config', `--config ${file} cannot be read (${error.code ?? error.message})`);
  });
  const parsed = parseAgentConfig(text, file);
  if (!parsed.ok) throw invalidFields(parsed.problems);
  return parsed.value;
}
