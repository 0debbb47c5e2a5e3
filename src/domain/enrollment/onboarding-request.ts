/**
 * The onboarding lobby for unknown machines (Flight Control's enrollment requests): a machine that enrolls with a
 * valid enrollment token but matches no registered host, in a project whose hosts wait for approval, is recorded
 * as an onboarding request. An onboarding manager approves it (which registers the host) or rejects it. What the
 * machine says about itself is attacker-chosen: every value is cut to a length and stripped of control characters.
 */
import { AppError } from '../errors.ts';
import type { HostRegistration } from '../inventory/host.ts';
import { reasonCodes } from '../reasons.ts';

export const ONBOARDING_REQUEST_STATES = ['pending', 'rejected'] as const;
export type OnboardingRequestState = (typeof ONBOARDING_REQUEST_STATES)[number];

/** What an enrolling machine reports about itself besides its identity; each value is optional. */
export const MACHINE_FACT_NAMES = ['hostname', 'os', 'kernel', 'arch'] as const;
export type MachineFacts = Partial<Record<(typeof MACHINE_FACT_NAMES)[number], string>>;

/** The longest a reported fact is kept. */
export const MAX_FACT_LENGTH = 128;

/** Pending requests a project keeps at most by default; enrollments past it are refused until some are decided. */
export const DEFAULT_LOBBY_CAPACITY = 1_000;

export interface OnboardingRequest {
  /** Time-ordered. */
  id: string;
  project: string;
  uuid: string | null;
  serial: string | null;
  facts: MachineFacts;
  state: OnboardingRequestState;
  /** The enrollment token the machine used (never its secret). */
  tokenId: string;
  tokenName: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** C0 controls, DEL and the C1 controls: a value shown in a terminal or a page must not carry any. */
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);

/** One line of attacker-chosen text made safe to keep and show: control characters removed, trimmed, cut to `max`. */
export function cleanReportedText(text: string, max = MAX_FACT_LENGTH): string {
  let out = '';
  for (const char of text) if (!isControl(char.charCodeAt(0))) out += char;
  return [...out.trim()].slice(0, max).join('');
}

/** The facts kept from what a machine sent: known names only, cleaned, empty values dropped. */
export function cleanMachineFacts(facts: Record<string, unknown> | undefined): MachineFacts {
  const kept: MachineFacts = {};
  for (const name of MACHINE_FACT_NAMES) {
    const value = facts?.[name];
    if (typeof value !== 'string') continue;
    const clean = cleanReportedText(value);
    if (clean) kept[name] = clean;
  }
  return kept;
}

/** The identity a request is kept under: one request per machine and project. */
export const lobbyKey = ({ uuid, serial }: Pick<HostRegistration, 'uuid' | 'serial'>): string => `${uuid ?? ''}/${serial ?? ''}`;

/** The registration an approval makes: the machine's identity, and the given name or one derived from it. */
export function approvedRegistration(
  request: Pick<OnboardingRequest, 'uuid' | 'serial'>,
  name: string | undefined,
): Record<string, unknown> {
  return {
    ...(request.uuid !== null ? { uuid: request.uuid } : {}),
    ...(request.serial !== null ? { serial: request.serial } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

export function describeMachine({ uuid, serial }: Pick<HostRegistration, 'uuid' | 'serial'>): string {
  return `machine ${[uuid && `uuid ${uuid}`, serial && `serial ${serial}`].filter(Boolean).join(' and ')}`;
}

/** The answer a machine waiting in the lobby gets: it asks again until an onboarding manager decides. */
export function awaitingLobbyApproval(request: Pick<OnboardingRequest, 'id' | 'uuid' | 'serial'>): AppError {
  return new AppError(
    'Forbidden',
    `${describeMachine(request)} is not registered; it waits in the onboarding lobby as request ${request.id} until an onboarding manager approves it (edge-orch onboarding approve ${request.id}); ask again later`,
    { reason: reasonCodes.AwaitingApproval, extra: { onboardingRequest: request.id } },
  );
}

/** The answer a rejected machine gets for good (registering a host with its identity by hand lets it in). */
export function onboardingRejected(request: Pick<OnboardingRequest, 'id' | 'uuid' | 'serial'>): AppError {
  return new AppError('Forbidden', `${describeMachine(request)} was refused onboarding (request ${request.id} was rejected)`, {
    reason: reasonCodes.OnboardingRejected,
  });
}

export function lobbyFull(project: string, capacity: number): AppError {
  return new AppError(
    'TooManyRequests',
    `project ${project} has ${capacity} onboarding requests waiting, all it keeps; an onboarding manager must decide some first`,
    { reason: reasonCodes.OnboardingLobbyFull },
  );
}
