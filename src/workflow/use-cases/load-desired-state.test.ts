import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../domain/inventory/host.ts';
import { loadDesiredState } from './load-desired-state.ts';
import { addCluster, addHost, addOsProfile, addTemplate, createTestDeps, PROJECT } from './test-inventory.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

const HEX32 = /^[0-9a-f]{32}$/;

describe('loadDesiredState', () => {
  let deps: UseCaseDeps;
  let host: Host;
  beforeEach(async () => {
    deps = await createTestDeps();
    host = await addHost(deps.store, 'SN-1');
  });
  afterEach(async () => deps.store.close());

  const load = (revision: string | undefined, waitMs = 0) =>
    loadDesiredState(deps, { project: PROJECT, hostId: host.id, revision, waitMs });

  it('answers at once with a revision that stays the same while nothing changes', async () => {
    const first = await load(undefined);
    expect(first).toEqual({
      revision: expect.stringMatching(HEX32),
      host: { id: host.id, name: 'host-sn-1', state: 'registered' },
      osProfile: null,
      action: { kind: 'none' },
    });
    expect((await load(undefined)).revision).toBe(first.revision);
  });

  it('holds the answer while the state has the revision the agent has, until a change wakes it', async () => {
    const { revision } = await load(undefined);
    const started = Date.now();
    const held = load(revision, 10_000);
    setTimeout(() => {
      void deps.store.hosts.setState(PROJECT, host.id, 'onboarded').then(() => deps.events.changed(PROJECT, host.id));
    }, 100);
    const answer = await held;
    expect(answer.host.state).toBe('onboarded');
    expect(answer.revision).not.toBe(revision);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('answers the same state once the wait is over', async () => {
    const { revision } = await load(undefined);
    expect((await load(revision, 50)).revision).toBe(revision);
  });

  it('gives an install action the fingerprint of its plan; a change the agent need not see moves neither revision', async () => {
    await addOsProfile(deps.store);
    await addTemplate(deps.store);
    const instance = await deps.store.instances.create(PROJECT, { hostId: host.id, osProfile: { name: 'microvisor-nonrt' } });
    await deps.store.instances.setObserved(PROJECT, instance.id, 'microvisor-nonrt');
    await addCluster(deps.store, 'solo', [host]);
    const state = await load(undefined);
    if (state.action.kind !== 'install') throw new Error(`expected an install action, got ${state.action.kind}`);
    const sha = createHash('sha256').update(JSON.stringify(state.action.plan)).digest('hex');
    expect(state.action.planRevision).toBe(sha.slice(0, 32));
    await deps.store.hosts.update(PROJECT, host.id, { labels: { rack: '7' } });
    const after = await load(undefined);
    expect(after.action).toEqual(state.action);
    expect(after.revision).toBe(state.revision);
  });
});
