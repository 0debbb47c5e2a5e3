/** Wakes this process's registration workers when a job is created or retried, instead of waiting for their poll. */
const listeners = new Set<() => void>();

export function notifyRegistrationWork(): void {
  for (const listener of listeners) listener();
}

/** Returns the function that unsubscribes. */
export function onRegistrationWork(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
