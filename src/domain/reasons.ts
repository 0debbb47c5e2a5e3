/**
 * Machine-readable reasons, declared here once (STYLE N5): a compatibility result, a registration step's status
 * and a problem's `reason` member all use these codes. Each code has one meaning; codes are never renamed or
 * reused. docs/errors.md lists every one under "Reason codes".
 */
import type { ErrorCode } from './errors.ts';

export const reasonCodes = {
  /** The template asks for a K3s version other than the one the OS profile embeds. */
  K3sVersionMismatch: 'K3sVersionMismatch',
  /** The template names Kubernetes vX.Y.Z without a K3s build, and the OS profile embeds no K3s to decide it. */
  K3sBuildUnpinned: 'K3sBuildUnpinned',
  /** The template's flavor cannot run on the OS profile's architecture or type (reserved). */
  UnsupportedPlatform: 'UnsupportedPlatform',
  /** The template hard-codes agentConfig.airGapped; the orchestrator decided otherwise from the OS profile. */
  AirGappedOverridden: 'AirGappedOverridden',
  /** A registration step did not run because an earlier step of the same host failed. */
  PreviousStepFailed: 'PreviousStepFailed',
  /** The host is already registered with the same data. */
  AlreadyRegistered: 'AlreadyRegistered',
  /** The host already has an instance of the same OS profile; the step succeeded without creating one. */
  AlreadyProvisioned: 'AlreadyProvisioned',
  /** The host is already the node of an identical cluster; the step succeeded without creating one. */
  AlreadyInCluster: 'AlreadyInCluster',
  /** A host with this uuid, serial or name exists with different data; the message names it. */
  HostConflict: 'HostConflict',
  /** The host already has an instance of another OS profile; the message names it. */
  InstanceConflict: 'InstanceConflict',
  /** The host is a node of another cluster, or the cluster name is taken; the message names the cluster. */
  ClusterConflict: 'ClusterConflict',
  /** The same uuid, serial, host name or cluster name appears twice in one request. */
  DuplicateInRequest: 'DuplicateInRequest',
  /** A later step failed in atomic mode, so this step was undone; the message says what was removed or kept. */
  Compensated: 'Compensated',
  /** Undoing this step failed; its resource remains and earlier steps are no longer undone. */
  CompensationFailed: 'CompensationFailed',
  /** The step was started too many times without finishing (each start survives a crash); it is not run again. */
  TooManyAttempts: 'TooManyAttempts',
  /** The token's role lacks the permission the operation needs (a Forbidden problem's `reason`). */
  RoleNotAllowed: 'RoleNotAllowed',
  /** The enrollment token's expiry has passed. */
  EnrollmentTokenExpired: 'EnrollmentTokenExpired',
  /** The enrollment token enrolled as many hosts as its use count allows. */
  EnrollmentTokenUsedUp: 'EnrollmentTokenUsedUp',
  /** The API token's expiry has passed. */
  ApiTokenExpired: 'ApiTokenExpired',
  /** The host already holds a credential; only a reset of it lets an agent enroll it again. */
  HostAlreadyEnrolled: 'HostAlreadyEnrolled',
  /** The host's onboarding waits for an onboarding manager's approval. */
  AwaitingApproval: 'AwaitingApproval',
  /** An onboarding manager rejected the unknown machine's onboarding request; it may not enroll. */
  OnboardingRejected: 'OnboardingRejected',
  /** The project's onboarding lobby holds as many pending requests as it keeps. */
  OnboardingLobbyFull: 'OnboardingLobbyFull',
  /** The host is a cluster node and the change would alter or remove its cluster: it needs clusters:write too. */
  ClusterNodeChange: 'ClusterNodeChange',
  /** An agent reported about a cluster its host is not a node of. */
  NotHostsCluster: 'NotHostsCluster',
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof reasonCodes;

export interface Reason {
  code: ReasonCode;
  /** A sentence for humans that names the values involved. */
  message: string;
  /** The values involved, for clients that render their own message. */
  details?: Record<string, string>;
}

/** Why a registration step is in its status: a reason, or the code of the error that failed it (NotFound, …). */
export type StepReasonCode = ReasonCode | ErrorCode;
