/**
 * Host credentials expire; an agent trades its credential, while it still works, for a new one (at about 75% of
 * its life, as Flight Control renews its certificates). The old one stops working at once.
 */
import type { Host } from '../../domain/inventory/host.ts';
import { createTokenSecret, hashTokenSecret } from '../token-secret.ts';
import { DEFAULT_AGENT_TRUST, type UseCaseDeps } from './use-case-deps.ts';

export interface IssuedCredential {
  /** The secret; only its hash is stored. */
  credential: string;
  /** ISO time it stops working. */
  expiresAt: string;
}

/** A new credential and when it stops working; only its hash is stored. */
export function createHostCredential({ agentTrust = DEFAULT_AGENT_TRUST }: Pick<UseCaseDeps, 'agentTrust'>): IssuedCredential {
  return { credential: createTokenSecret(), expiresAt: new Date(Date.now() + agentTrust.hostCredentialTtlMs).toISOString() };
}

/** A new credential for `host`, replacing the one its agent renews. */
export async function renewHostCredential(
  deps: Pick<UseCaseDeps, 'store' | 'agentTrust'>,
  host: Pick<Host, 'project' | 'id'>,
): Promise<IssuedCredential> {
  const issued = createHostCredential(deps);
  await deps.store.agents.setHostCredential(host.project, host.id, hashTokenSecret(issued.credential), issued.expiresAt);
  return issued;
}
