/**
 * What the use-cases work with, wired once by the composition root. Each use-case declares the part it uses
 * (`Pick<UseCaseDeps, …>`), so a test gives it only that.
 */
import type { MirrorUrl } from '../../domain/bootstrap/mirror-url.ts';
import type { Store } from '../../store/store.ts';
import type { ClusterDriver } from '../cluster-driver.ts';
import type { HostEvents } from '../host-events.ts';
import type { WorkSignal } from '../work-signal.ts';

export interface UseCaseDeps {
  store: Store;
  /** Wakes agents' long-polls after writes that change a host's desired state. */
  events: HostEvents;
  /** Wakes registration workers when a job is queued, and requests waiting for a job when it moves. */
  work: WorkSignal;
  /** Artifact mirror for hosts that download K3s (no embedded K3s); without it they use upstream. */
  mirrorUrl?: MirrorUrl;
  /** The argv a host runs to move to another OS profile version (option 2, see os-update.ts); unset, such moves are blocked. */
  osUpdateCommand?: readonly string[];
  /** Pending onboarding requests a project keeps at most; DEFAULT_LOBBY_CAPACITY when not given. */
  lobbyCapacity?: number;
  /** What agents get with a credential; DEFAULT_AGENT_TRUST when not given. */
  agentTrust?: AgentTrust;
  /** The server's stale-cluster time; DEFAULT_STALE_CLUSTER_AFTER_SECONDS when not given. */
  staleClusterAfterMs?: number;
  /** The clock stale clusters are judged by, in milliseconds since the epoch; Date.now when not given. */
  now?: () => number;
  /** Applies and deletes clusters of the capi driver (src/capi); absent where no server runs it. */
  clusterDriver?: ClusterDriver;
}

/** What an agent is given with its credential: the CA to pin, and how long the credential lives. */
export interface AgentTrust {
  /** The CA (PEM) the server's certificate chains to; null when the server speaks plain HTTP. */
  caCertificate: string | null;
  hostCredentialTtlMs: number;
}

export const DEFAULT_AGENT_TRUST: AgentTrust = { caCertificate: null, hostCredentialTtlMs: 30 * 86_400_000 };
