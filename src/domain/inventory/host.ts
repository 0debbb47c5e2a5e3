/**
 * Hosts: edge machines known by uuid and/or serial (each unique in a project), with a DNS-label name.
 * State: registered → onboarded (agent enrolled) → provisioned (instance runs the desired OS) → in-cluster;
 * or deauthorized.
 */
import { invalidField } from '../errors.ts';
import { DNS_LABEL, DNS_LABEL_FORM, describe, isRecord, readLabels, readOptionalString } from '../fields.ts';

export type HostState = 'registered' | 'onboarded' | 'provisioned' | 'in-cluster' | 'deauthorized';
export const HOST_STATES: readonly HostState[] = ['registered', 'onboarded', 'provisioned', 'in-cluster', 'deauthorized'];

export interface Host {
  id: string;
  project: string;
  name: string;
  uuid: string | null;
  serial: string | null;
  site: string | null;
  labels: Record<string, string>;
  state: HostState;
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
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SITE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
const SITE_FORM = 'letters, digits, spaces, ".", "_", "-", at most 63 characters';

/**
 * Validates a registration; `path` prefixes field names (for example `/hosts/3/`). The name defaults to one
 * derived from the serial or uuid, so a host registered by identity alone still has a DNS-label name.
 */
export function parseHostRegistration(value: unknown, path = ''): HostRegistration {
  if (!isRecord(value))
    throw invalidField(path.replace(/\/$/, '') || '/', `a host must be an object with uuid and/or serial, got ${describe(value)}`);
  const uuidText = readOptionalString(value, 'uuid', path);
  const uuid = uuidText?.toLowerCase() ?? null;
  if (uuid !== null && !UUID.test(uuid)) {
    throw invalidField(`${path}uuid`, `${path}uuid ${JSON.stringify(uuidText)} is not a UUID; expected 8-4-4-4-12 hex digits`);
  }
  const serial =
    readOptionalString(value, 'serial', path, { pattern: SERIAL, expected: 'letters, digits, ".", "_", "-", at most 64 characters' }) ??
    null;
  if (uuid === null && serial === null) {
    throw invalidField(`${path}uuid`, `a host needs a uuid or a serial (or both); ${path}uuid and ${path}serial are both empty`);
  }
  const name =
    readOptionalString(value, 'name', path, { pattern: DNS_LABEL, expected: DNS_LABEL_FORM }) ?? deriveHostName({ uuid, serial });
  return {
    name,
    uuid,
    serial,
    site: readOptionalString(value, 'site', path, { pattern: SITE, expected: SITE_FORM }) ?? null,
    labels: readLabels(value['labels'], `${path}labels`),
  };
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
