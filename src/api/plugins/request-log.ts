/**
 * Request logs off the hot path: Fastify's two info lines per request cost 10–25% of a GET at 64 connections,
 * and every change is already in the audit log. A request is logged at info only when it failed on the server
 * (5xx) or took longer than `slowMs`; every request is logged at debug. Client errors are logged where they are
 * answered (problem-details.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const SLOW_REQUEST_MS = 1000;

export const requestLog = fp(async function requestLogPlugin(app: FastifyInstance, { slowMs = SLOW_REQUEST_MS }: { slowMs?: number }) {
  app.addHook('onResponse', function logRequest(request, reply, done) {
    const ms = reply.elapsedTime;
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(ms) };
    if (reply.statusCode >= 500 || ms > slowMs) request.log.info(line, reply.statusCode >= 500 ? 'request failed' : 'slow request');
    else request.log.debug(line, 'request completed');
    done();
  });
});
