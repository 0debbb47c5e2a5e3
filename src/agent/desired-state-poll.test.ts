import { describe, expect, it } from 'vitest';
import type { DesiredStateT } from '../contract/agent.schema.ts';
import { checkDesiredState } from './desired-state-poll.ts';

const state = (action: unknown): DesiredStateT =>
  ({ revision: 'r1', host: { id: 'h-1', name: 'edge-1', state: 'provisioned' }, osProfile: 'emt', action }) as DesiredStateT;

describe('checkDesiredState', () => {
  it('accepts an OS update (option 2), as the server sends it', () => {
    const update = { kind: 'update-os', cluster: 'plant', osProfile: 'emt', version: '3.1', argv: ['/usr/bin/os-update-tool.sh', '3.1'] };
    expect(() => checkDesiredState(state(update))).not.toThrow();
  });

  it('refuses an OS update without its command, naming what it needs', () => {
    expect(() => checkDesiredState(state({ kind: 'update-os', cluster: 'plant', osProfile: 'emt', version: '3.1', argv: [] }))).toThrow(
      "the desired state from the server is not usable: an update-os action needs a cluster name, the OS profile and version, and the command's argv",
    );
  });

  it('refuses a kind it does not know, listing the ones it does', () => {
    expect(() => checkDesiredState(state({ kind: 'reimage' }))).toThrow(
      'action.kind "reimage" is not one of install, blocked, remove, wait, update-os, none',
    );
  });
});
