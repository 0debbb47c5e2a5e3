/**
 * Rate limits per client address (IPv6 by /64): enrollments, which anyone may send, and failed
 * authentications (a credential sent and refused), after which every credentialed request from that address is refused until the window ends,
 * so credentials cannot be guessed at speed. Answers are TooManyRequests with Retry-After.
 */
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../domain/errors.ts';
import type { ApiLimits } from '../limits.ts';

export type RateLimits = Pick<ApiLimits, 'enrollmentsPerWindow' | 'authFailuresPerWindow' | 'rateWindowMs'>;

/** Addresses tracked at once; past this, expired windows are dropped, and if none has expired all are. */
const MAX_TRACKED_ADDRESSES = 100_000;

const clientAddress = (request: FastifyRequest): string => normalizeIP(request.ip);

const retrySeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

const tooManyRequests = (what: string, retryAfterMs: number): AppError =>
  new AppError('TooManyRequests', `too many ${what} from this address; retry in ${retrySeconds(retryAfterMs)} s`);

/** Failed authentications per address in fixed windows. */
function createFailureCounter({ authFailuresPerWindow: max, rateWindowMs }: RateLimits) {
  const windows = new Map<string, { count: number; endsAt: number }>();
  function current(key: string, now: number) {
    const window = windows.get(key);
    return window && window.endsAt > now ? window : null;
  }
  return {
    /** Milliseconds until the address may try again, or 0 when it may now. */
    blockedFor(key: string, now: number): number {
      const window = current(key, now);
      return window && window.count >= max ? window.endsAt - now : 0;
    },
    record(key: string, now: number): void {
      const window = current(key, now);
      if (window) window.count++;
      else {
        if (windows.size >= MAX_TRACKED_ADDRESSES) {
          for (const [k, w] of windows) if (w.endsAt <= now) windows.delete(k);
          if (windows.size >= MAX_TRACKED_ADDRESSES) windows.clear();
        }
        windows.set(key, { count: 1, endsAt: now + rateWindowMs });
      }
    },
  };
}

export const rateLimits = fp(async function rateLimitsPlugin(app: FastifyInstance, limits: RateLimits) {
  // Before @fastify/rate-limit registers its own onRoute hook, which reads config.rateLimit.
  app.addHook('onRoute', function limitPublicPosts(route) {
    const methods = [route.method].flat();
    if (route.config?.permission === 'public' && methods.includes('POST')) {
      route.config = { ...route.config, rateLimit: { max: limits.enrollmentsPerWindow, timeWindow: limits.rateWindowMs } };
    }
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: clientAddress,
    // The plugin sets Retry-After itself; the thrown AppError is answered by the problem handler.
    errorResponseBuilder: (_request, context) => tooManyRequests('enrollments', context.ttl),
  });

  const failures = createFailureCounter(limits);
  // On every request, before any route's own credential check (the agent routes' included); the route's
  // permission is read only for an address that is refused.
  app.addHook('onRequest', function refuseAfterAuthFailures(request, reply, done) {
    const waitMs = failures.blockedFor(clientAddress(request), Date.now());
    if (waitMs === 0 || request.routeOptions.config?.permission === 'public') return done();
    reply.header('retry-after', String(retrySeconds(waitMs)));
    done(tooManyRequests('failed authentications', waitMs));
  });
  app.addHook('onResponse', function countAuthFailures(request, reply, done) {
    // Only a credential that was sent and refused is a guess; a request without one is not counted.
    if (reply.statusCode === 401 && request.headers.authorization) failures.record(clientAddress(request), Date.now());
    done();
  });
});
