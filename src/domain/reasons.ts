/**
 * Machine-readable reasons. Each code has one meaning; codes are never renamed or reused.
 */
export const reasonCodes = {
  /** The template asks for a K3s version other than the one the OS profile embeds. */
  K3sVersionMismatch: 'K3sVersionMismatch',
  /** The template's flavor cannot run on the OS profile's architecture or type (reserved). */
  UnsupportedPlatform: 'UnsupportedPlatform',
  /** The template hard-codes agentConfig.airGapped; the orchestrator decided otherwise from the OS profile. */
  AirGappedOverridden: 'AirGappedOverridden',
  /** A registration step did not run because an earlier step of the same host failed. */
  PreviousStepFailed: 'PreviousStepFailed',
  /** The host is already registered with the same data. */
  AlreadyRegistered: 'AlreadyRegistered',
} as const;

export type ReasonCode = keyof typeof reasonCodes;

export interface Reason {
  code: ReasonCode;
  /** A sentence for humans that names the values involved. */
  message: string;
  /** The values involved, for clients that render their own message. */
  details?: Record<string, string>;
}
