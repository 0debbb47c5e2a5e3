import { Writable } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import { describe, expect, it } from 'vitest';
import { requestLog } from './request-log.ts';

/** An app logging at info into `lines`, with a route that answers 200 and one that fails. */
async function appLogging(lines: Record<string, unknown>[], slowMs?: number) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream }, logController: new LogController({ disableRequestLogging: true }) });
  await app.register(requestLog, slowMs === undefined ? {} : { slowMs });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/fails', async () => {
    throw new Error('boom');
  });
  return app;
}

describe('requestLog', () => {
  it('logs at info the requests that failed on the server, not the ones answered quickly', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await appLogging(lines);
    await app.inject('/ok');
    await app.inject('/fails');
    const requestLines = lines.filter((l) => l['url'] !== undefined);
    expect(requestLines).toEqual([expect.objectContaining({ msg: 'request failed', url: '/fails', statusCode: 500 })]);
  });

  it('logs at info a request slower than the threshold', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = await appLogging(lines, -1);
    await app.inject('/ok');
    expect(lines).toEqual([expect.objectContaining({ msg: 'slow request', url: '/ok', statusCode: 200 })]);
  });
});
