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
  /** The template's flavor is one the agent cannot install (RKE2 today); the template is kept but never offered. */
  FlavorNotInstallable: 'FlavorNotInstallable',
  /** The new OS profile version embeds an older K3s than the cluster runs; Kubernetes does not support downgrades. */
  K3sDowngrade: 'K3sDowngrade',
  /** The new OS profile version embeds a K3s more than one Kubernetes minor ahead of the cluster's. */
  K3sMinorSkipped: 'K3sMinorSkipped',
  /** The new OS profile version embeds a K3s other than the one the cluster's other nodes run. */
  K3sDiffersFromNodes: 'K3sDiffersFromNodes',
  /** The new OS profile version embeds no K3s while the host's air-gapped cluster runs the embedded one. */
  EmbeddedK3sRemoved: 'EmbeddedK3sRemoved',
  /** The cluster waits for nodes or provisions, and no agent has moved it for longer than the stale-cluster time. */
  ClusterStale: 'ClusterStale',
  /** The cluster uses the capi driver but its project names no management cluster. */
  ManagementClusterNotSet: 'ManagementClusterNotSet',
  /** The project's management cluster did not answer, or refused its credential; the message says which. */
  ManagementClusterUnreachable: 'ManagementClusterUnreachable',
  /** The management cluster does not serve a Cluster API group or kind edge-orch applies (its CRD is not installed). */
  CapiCrdMissing: 'CapiCrdMissing',
  /** The management cluster serves the group, but not the version edge-orch renders (the provider is too old). */
  CapiCrdTooOld: 'CapiCrdTooOld',
  /** Another field manager owns fields edge-orch applies; the message names the manager and the fields. */
  CapiFieldConflict: 'CapiFieldConflict',
  /** The management cluster refused an object edge-orch applied (its schema or admission); the message has its answer. */
  CapiObjectRejected: 'CapiObjectRejected',
  /** Cluster API reports the cluster failed (a condition with severity Error, or a failure reason). */
  CapiClusterFailed: 'CapiClusterFailed',
  /** The host is deauthorized: it cannot be provisioned or become a cluster node. */
  HostDeauthorized: 'HostDeauthorized',
  /** The host runs no instance yet (none, or its agent has not reported the instance's OS profile). */
  NotProvisioned: 'NotProvisioned',
  /** The host runs another OS profile than the cluster's nodes (no longer given: nodes may run different OS profiles). */
  OsProfileDiffers: 'OsProfileDiffers',
  /** The host would run another Kubernetes version than the cluster's nodes. */
  NodeVersionDiffers: 'NodeVersionDiffers',
  /** An OS update was asked for, but no imported version of the host's OS profile is compatible with the template (or the OS is not image-based). */
  NoCompatibleOsVersion: 'NoCompatibleOsVersion',
  /** A node's OS must be updated, but the server has no OS update command configured. */
  OsUpdateNotConfigured: 'OsUpdateNotConfigured',
  /** The cluster was created before join tokens: its first server made its own, so no node can join it. */
  NoJoinToken: 'NoJoinToken',
  /** The cluster has an unfinished rolling upgrade: it must end (or be resumed) before another change of its K3s or nodes. */
  UpgradeInProgress: 'UpgradeInProgress',
  /** A cluster upgrade names an OS profile version that embeds no K3s of the cluster's flavor, so no version to move to. */
  UpgradeTargetWithoutK3s: 'UpgradeTargetWithoutK3s',
  /** A node of the cluster cannot reach the upgrade's K3s: its image embeds K3s and is of another OS profile than the target. */
  UpgradeUnreachable: 'UpgradeUnreachable',
  /** A node failed to come back ready on the upgrade's K3s: the rollout stopped at it. */
  UpgradeNodeFailed: 'UpgradeNodeFailed',
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
