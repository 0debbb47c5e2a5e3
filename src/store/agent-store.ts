/**
 * Southbound credentials: project enrollment tokens (shared by many hosts, create-only) and per-host
 * credentials handed out at enrollment. Only sha256 hashes are stored.
 */
import type { Host } from '../domain/host.ts';

export interface EnrollmentToken {
  id: string;
  project: string;
  name: string;
  createdAt: string;
}

export interface AgentStore {
  createEnrollmentToken(input: { project: string; name: string; secretHash: string }): Promise<EnrollmentToken>;
  findEnrollmentToken(secretHash: string): Promise<EnrollmentToken | null>;
  /** Replaces the host's credential (a re-enrolling agent gets a new one; the old one stops working). */
  setHostCredential(project: string, hostId: string, secretHash: string): Promise<void>;
  /** The host a credential belongs to, whatever its project. */
  findHostByCredential(secretHash: string): Promise<Host | null>;
}
