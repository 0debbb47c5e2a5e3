/**
 * The problem a refused decision is answered with when it stops a request outright (creating a cluster,
 * provisioning a host): the reason keeps its code as the problem's `reason`; the error code follows from it.
 */
import { AppError, errorCatalog, type ErrorCode } from './errors.ts';
import type { ReasonCode, StepReasonCode } from './reasons.ts';

const ERROR_OF_REASON: Partial<Record<ReasonCode, ErrorCode>> = {
  K3sVersionMismatch: 'Incompatible',
  K3sBuildUnpinned: 'Incompatible',
  UnsupportedPlatform: 'Incompatible',
  OsProfileDiffers: 'Incompatible',
  NodeVersionDiffers: 'Incompatible',
  NoCompatibleOsVersion: 'Incompatible',
  K3sDowngrade: 'UpgradeRefused',
  K3sMinorSkipped: 'UpgradeRefused',
  UpgradeTargetWithoutK3s: 'UpgradeRefused',
  UpgradeUnreachable: 'UpgradeRefused',
  HostConflict: 'AlreadyExists',
  InstanceConflict: 'AlreadyExists',
  ClusterConflict: 'AlreadyExists',
  DuplicateInRequest: 'InvalidField',
};

const isErrorCode = (code: StepReasonCode): code is ErrorCode => code in errorCatalog;

/** An AppError for `reason`: its own code when it is an error code (NotFound, …), else the one its reason maps to, else InvalidState. */
export function createReasonError(
  reason: { code: StepReasonCode; message: string; details?: Record<string, string> },
  { field, extra }: { field?: string; extra?: Record<string, unknown> } = {},
): AppError {
  if (isErrorCode(reason.code))
    return new AppError(reason.code, reason.message, { ...(field ? { field } : {}), ...(extra ? { extra } : {}) });
  return new AppError(ERROR_OF_REASON[reason.code] ?? 'InvalidState', reason.message, {
    reason: reason.code,
    ...(field ? { field } : {}),
    extra: { ...(reason.details ? { details: reason.details } : {}), ...extra },
  });
}
