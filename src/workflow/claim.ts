/**
 * Claiming work: hosts are handed out in batches under a lease (DESIGN.md, Storage and scale).
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` in the claim, so replicas sharing the database take disjoint hosts; a
 * worker renews its leases while it works, and a crashed worker's hosts are taken over once their lease expires.
 * SQLite: one process owns the file, so at start every lease left in it belongs to a dead process and is released
 * at once (startup recovery); the WorkSignal that wakes the worker is the in-process queue.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClaimedHost, Store } from '../store/store.ts';

export interface Claimer {
  /** Unique per worker (host name, pid, random); stored as the lease owner. */
  readonly owner: string;
  readonly leaseMs: number;
  /** Releases leases that cannot belong to a live worker; returns how many. */
  recover(): Promise<number>;
  claim(): Promise<ClaimedHost[]>;
  /** Keeps the leases of hosts this worker is still working on. */
  renew(keys: readonly string[]): Promise<void>;
  /** Gives back every lease of this worker (on stop), so others need not wait for expiry. */
  release(): Promise<void>;
}

export interface ClaimerOptions {
  store: Store;
  owner?: string;
  batchSize?: number;
  leaseMs?: number;
}

export function createWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export function createClaimer({ store, owner = createWorkerId(), batchSize = 500, leaseMs = 15_000 }: ClaimerOptions): Claimer {
  return {
    owner,
    leaseMs,
    async recover() {
      // Only SQLite can prove a lease is stale: no other process may open the file. PostgreSQL replicas wait for expiry.
      return store.engine === 'sqlite' ? store.jobs.releaseLeases(null) : 0;
    },
    claim: () => store.jobs.claim({ owner, limit: batchSize, leaseMs }),
    async renew(keys) {
      if (keys.length > 0) await store.jobs.hold(owner, keys, leaseMs);
    },
    async release() {
      await store.jobs.releaseLeases(owner);
    },
  };
}
