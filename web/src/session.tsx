/** The signed-in token's project and role, for every page: what is shown and enabled follows the role. */
import { createContext, useContext } from 'react';
import { isAllowed, type Permission } from '../../src/contract/ui-vocabulary.ts';
import type { Session } from './api/client.ts';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** True when the signed-in role may do what `permission` guards. */
export function useCan(permission: Permission): boolean {
  return isAllowed(useSession().role, permission);
}
