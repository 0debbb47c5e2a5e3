/** Appending to the audit log: every change asked of the API, once its answer is known. */
import type { AuditEvent } from '../../domain/audit/audit-event.ts';
import type { UseCaseDeps } from './use-case-deps.ts';

export async function recordAuditEvent({ store }: Pick<UseCaseDeps, 'store'>, event: Omit<AuditEvent, 'id'>): Promise<AuditEvent> {
  return store.audit.append(event);
}
