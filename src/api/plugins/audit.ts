/**
 * The audit log's recorder: every request that may change something (any method but GET and HEAD) made with a
 * known token is recorded when its answer is ready, refused ones included: who (the token, its role), what (the
 * route and its parameters, and what it created), when and the result. Agents' status reports are not changes
 * asked by someone and are not recorded; requests without a valid token never reach a route and are not either.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuditActor } from '../../domain/audit/audit-event.ts';
import { recordAuditEvent } from '../../workflow/use-cases/record-audit-event.ts';
import { addRouteHook } from '../route-hooks.ts';
import type { UseCaseDeps } from '../../workflow/use-cases/use-case-deps.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request and in which project's log it goes; set once the token is known. */
    auditActor: { project: string; actor: AuditActor } | null;
    /** What a route without path parameters acted on, when its body names it (an enrolling agent's identity). */
    auditTarget: Record<string, string> | null;
  }
}

/** Members of a created resource's answer that name it (never its secret). */
const NAMING_MEMBERS = ['id', 'name'] as const;

export const audit = fp(async function auditPlugin(app: FastifyInstance, deps: Pick<UseCaseDeps, 'store'>) {
  app.decorateRequest('auditActor', null);
  app.decorateRequest('auditTarget', null);
  // Only routes that may change something get the hook: reads pay nothing for it.
  app.addHook('onRoute', function recordChanges(route) {
    if ([route.method].flat().every((method) => method === 'GET' || method === 'HEAD')) return;
    addRouteHook(route, 'onSend', recordChange);
  });
  async function recordChange(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    if (request.method === 'GET' || request.method === 'HEAD' || request.auditActor === null) return payload;
    const answer = parseAnswer(payload);
    const { project: _project, ...params } = (request.params ?? {}) as Record<string, string>;
    const created = reply.statusCode === 201 ? NAMING_MEMBERS.map((m) => answer?.[m]).find((v) => typeof v === 'string') : undefined;
    try {
      await recordAuditEvent(deps, {
        project: request.auditActor.project,
        at: new Date().toISOString(),
        actor: request.auditActor.actor,
        action: `${request.method} ${(request.routeOptions.url ?? request.url).replace(/^\/api\/v1\/projects\/:project/, '')}`,
        target: { ...params, ...request.auditTarget, ...(typeof created === 'string' ? { created } : {}) },
        status: reply.statusCode,
        outcome: reply.statusCode < 400 ? 'succeeded' : typeof answer?.['code'] === 'string' ? answer['code'] : String(reply.statusCode),
        requestId: String(request.id),
      });
    } catch (error) {
      // The change is done (or refused) whatever the log's fate; a lost record is an operator's matter, not the client's.
      request.log.error({ err: error }, 'recording the audit event failed');
    }
    return payload;
  }
});

/** Answers longer than this (a large registration's report) are not read for a created resource's name. */
const MAX_PARSED_ANSWER = 64 * 1024;

function parseAnswer(payload: unknown): Record<string, unknown> | null {
  if (typeof payload !== 'string' || !payload.startsWith('{') || payload.length > MAX_PARSED_ANSWER) return null;
  try {
    return JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return null;
  }
}
