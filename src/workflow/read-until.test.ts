import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { readUntil } from './read-until.ts';
import { waitForEvent } from './wait-for-event.ts';

describe('readUntil', () => {
  it('does not miss an event that comes while it reads', async () => {
    const emitter = new EventEmitter();
    let value = 0;
    const started = Date.now();
    const result = await readUntil({
      read: async () => {
        const seen = value;
        if (seen === 0) {
          value = 1;
          emitter.emit('changed'); // between this read and the sleep that follows it
        }
        return seen;
      },
      settled: (seen) => seen === 1,
      wake: (timeoutMs, signal) => waitForEvent(emitter, 'changed', timeoutMs, signal),
      waitMs: 10_000,
      recheckMs: 5_000,
    });
    expect(result).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(emitter.listenerCount('changed')).toBe(0);
  });

  it('answers the last read at once when its signal aborts', async () => {
    const emitter = new EventEmitter();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const started = Date.now();
    const result = await readUntil({
      read: async () => 'unchanged',
      settled: () => false,
      wake: (timeoutMs, signal) => waitForEvent(emitter, 'changed', timeoutMs, signal),
      waitMs: 10_000,
      recheckMs: 5_000,
      signal: abort.signal,
    });
    expect(result).toBe('unchanged');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(emitter.listenerCount('changed')).toBe(0);
  });
});
