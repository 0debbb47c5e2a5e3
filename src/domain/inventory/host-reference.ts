/**
 * A text naming a host: its id, name, serial or uuid. An id is unique and wins; otherwise the text must match
 * exactly one host by name, serial or uuid, else NotFound or AmbiguousReference listing every match.
 */
import { AppError, notFound } from '../errors.ts';
import { SERIAL, UUID, type Host } from './host.ts';

export type HostMatchKind = 'name' | 'serial' | 'uuid';

export interface HostMatch {
  host: Host;
  matchedBy: HostMatchKind;
}

/** The identities `text` could be, in the forms hosts store them (uuids in lower case); null where it cannot be one. */
export function computeHostReferenceForms(text: string): { uuid: string | null; serial: string | null } {
  const lower = text.toLowerCase();
  return { uuid: UUID.test(lower) ? lower : null, serial: SERIAL.test(text) ? text : null };
}

/** The one host the matches name; NotFound without any, AmbiguousReference when they name several. */
export function pickReferencedHost(text: string, matches: readonly HostMatch[]): Host {
  const distinct = [...new Map(matches.map((m) => [m.host.id, m])).values()];
  if (distinct.length === 0) throw notFound('host', text);
  if (distinct.length === 1) return distinct[0]!.host;
  const listed = distinct.map((m) => `the ${m.matchedBy} of host ${m.host.name} (${m.host.id})`);
  throw new AppError(
    'AmbiguousReference',
    `${JSON.stringify(text)} matches ${distinct.length} hosts: ${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}; name the host by its id`,
    { extra: { matches: distinct.map((m) => ({ id: m.host.id, name: m.host.name, matchedBy: m.matchedBy })) } },
  );
}
