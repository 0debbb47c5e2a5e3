import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandNamed } from './commands.ts';

const deps = {
  loadServerConfig: () => ({}),
  startServer: () => Promise.reject(new Error('not started in this test')),
  agentCommand: () => ({ command: new Command('agent').description('Run the edge agent'), run: () => Promise.resolve(0) }),
  rotateSecrets: () => Promise.reject(new Error('not rotated in this test')),
};

describe('COMMANDS', () => {
  it.each(COMMANDS)('lists $name with the description its module declares', async (entry) => {
    const program = new Command('edge-orch');
    await entry.register(program, deps);
    const added = program.commands.find((c) => c.name() === entry.name);
    const listed = typeof entry.description === 'string' ? entry.description : entry.description(deps);
    expect(added?.description()).toBe(listed);
  });
});

describe('commandNamed', () => {
  it('finds the command past global options and their values, and through help', () => {
    expect(commandNamed(['--server', 'https://o', '-o', 'json', 'host', 'list'])).toBe('host');
    expect(commandNamed(['--token=abc', 'token', 'list'])).toBe('token');
    expect(commandNamed(['help', 'registration'])).toBe('registration');
    expect(commandNamed(['--help'])).toBeUndefined();
    expect(commandNamed([])).toBeUndefined();
  });
});
