/**
 * Hosts: edge machines known by uuid and/or serial (each unique in a project), with a DNS-label name.
 * State: registered → onboarded (agent enrolled) → provisioned (instance runs the desired OS) → in-cluster;
 * or deauthorized. When onboarding needs approval, an enrolling host waits: registered → awaiting-approval →
 * approved (an onboarding manager said yes; its agent's next enrollment onboards it) or deauthorized (rejected).
 */
import { invalidField, requireParsed } from '../errors.ts';
import {
  DNS_LABEL,
  DNS_LABEL_FORM,
  checkLabels,
  checkOptionalString,
  describe,
  isRecord,
  readLabels,
  readOptionalString,
} from '../fields.ts';
import { parsedProblems, parsedValue, type Parsed } from '../problem.ts';

export type HostState = 'registered' | 'awaiting-approval' | 'approved' | 'onboarded' | 'provisioned' | 'in-cluster' | 'deauthorized';
export const HOST_STATES: readonly HostState[] = [
  'registered',
  'awaiting-approval',
  'approved',
  'onboarded',
  'provisioned',
  'in-cluster',
  'deauthorized',
];

export interface Host {
  id: string;
  project: string;
  name: string;
  uuid: string | null;
  serial: string | null;
  site: string | null;
  labels: Record<string, string>;
  state: HostState;
  /** Whether its agent onboards it when enrolling (true) or it waits for approval (false); null: the project decides. */
  autoOnboard: boolean | null;
  createdAt: string;
  updatedAt: string;
}

/** What a user gives to register a host. */
export interface HostRegistration {
  name: string;
  uuid: string | null;
  serial: string | null;
  site: string | null;
  labels: Record<string, string>;
  /** Overrides the project's onboarding setting for this host; left out, the project decides. */
  autoOnboard?: boolean;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What a site name may be. */
export const SITE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
export const SITE_FORM = 'letters, digits, spaces, ".", "_", "-", at most 63 characters';

/**
 * Validates a registration; `path` prefixes field names (for example `hosts/3/`). The name defaults to one
 * derived from the serial or uuid, so a host registered by identity alone still has a DNS-label name.
 * The first problem found is returned with its field.
 */
export function checkHostRegistration(value: unknown, path = ''): Parsed<HostRegistration> {
  if (!isRecord(value))
    return parsedProblems({
      field: path.replace(/\/$/, '') || '/',
      message: `a host must be an object with uuid and/or serial, got ${describe(value)}`,
    });
  const uuidText = checkOptionalString(value, 'uuid', path);
  if (!uuidText.ok) return uuidText;
  const uuid = uuidText.value?.toLowerCase() ?? null;
  if (uuid !== null && !UUID.test(uuid)) {
    return parsedProblems({
      field: `${path}uuid`,
      message: `${path}uuid ${JSON.stringify(uuidText.value)} is not a UUID; expected 8-4-4-4-12 hex digits`,
    });
  }
  const serial = checkOptionalString(value, 'serial', path, {
    pattern: SERIAL,
    expected: 'letters, digits, ".", "_", "-", at most 64 characters',
  });
  if (!serial.ok) return serial;
  if (uuid === null && serial.value === undefined) {
    return parsedProblems({
      field: `${path}uuid`,
      message: `a host needs a uuid or a serial (or both); ${path}uuid and ${path}serial are both empty`,
    });
  }
  const name = checkOptionalString(value, 'name', path, { pattern: DNS_LABEL, expected: DNS_LABEL_FORM });
  if (!name.ok) return name;
  const site = checkOptionalString(value, 'site', path, { pattern: SITE, expected: SITE_FORM });
  if (!site.ok) return site;
  const labels = checkLabels(value['labels'], `${path}labels`);
  if (!labels.ok) return labels;
  const autoOnboard = value['autoOnboard'];
  if (autoOnboard !== undefined && typeof autoOnboard !== 'boolean')
    return parsedProblems({
      field: `${path}autoOnboard`,
      message: `${path}autoOnboard must be true or false, got ${describe(autoOnboard)}`,
    });
  return parsedValue({
    name: name.value ?? deriveHostName({ uuid, serial: serial.value ?? null }),
    uuid,
    serial: serial.value ?? null,
    site: site.value ?? null,
    labels: labels.value,
    ...(autoOnboard !== undefined ? { autoOnboard } : {}),
  });
}

/** checkHostRegistration for a single host, whose problem is the request's: thrown as InvalidField. */
export function parseHostRegistration(value: unknown, path = ''): HostRegistration {
  return requireParsed(checkHostRegistration(value, path));
}

/** What a user may change on a registered host; a field left out stays as it is. */
export interface HostUpdate {
  name?: string;
  /** null (or an empty site) clears it. */
  site?: string | null;
  /** Replaces every label; null clears them. */
  labels?: Record<string, string>;
}

/** Validates a host update: the fields as a registration checks them, each only when given. */
export function parseHostUpdate(value: unknown): HostUpdate {
  if (!isRecord(value)) throw invalidField('/', `a host update must be an object with name, site and/or labels, got ${describe(value)}`);
  const { name, site, labels } = value;
  if (name !== undefined && (typeof name !== 'string' || !DNS_LABEL.test(name)))
    throw invalidField('name', `name ${JSON.stringify(name)} is not valid; expected ${DNS_LABEL_FORM}`);
  return {
    ...(name !== undefined ? { name } : {}),
    ...(site !== undefined ? { site: readOptionalString(value, 'site', '', { pattern: SITE, expected: SITE_FORM }) ?? null } : {}),
    ...(labels !== undefined ? { labels: readLabels(labels, 'labels') } : {}),
  };
}

/**
 * `host-<serial>` or `host-<uuid>`, lowercased and cut to a DNS label. The whole uuid: vendors share its first
 * digits (every Dell system UUID starts 4c4c4544), so a prefix would give many hosts one name.
 */
export function deriveHostName({ uuid, serial }: { uuid: string | null; serial: string | null }): string {
  const base = serial ? serial.toLowerCase().replace(/[^a-z0-9-]+/g, '-') : uuid!.toLowerCase();
  return `host-${base}`.slice(0, 63).replace(/-+$/, '');
}
