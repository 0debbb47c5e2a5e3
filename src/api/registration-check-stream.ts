/**
 * A dry run's answer written in slices: its 50,000 host entries (about 10 MB of JSON) are serialized a few hundred
 * at a time with a turn of the event loop between, instead of in one synchronous JSON.stringify that would hold
 * every other request. The bytes are the document RegistrationCheck describes, as before.
 */
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import type { RegistrationCheck } from '../workflow/check-registration.ts';

const HOSTS_PER_SLICE = 500;

export function streamRegistrationCheck(check: RegistrationCheck): Readable {
  return Readable.from(slices(check));
}

async function* slices({ hosts, ...head }: RegistrationCheck): AsyncGenerator<string> {
  // `hosts` goes last: the head's JSON without its closing brace, then the list.
  yield `${JSON.stringify(head).slice(0, -1)},"hosts":[`;
  for (let first = 0; first < hosts.length; first += HOSTS_PER_SLICE) {
    if (first > 0) await setImmediate();
    const slice = hosts.slice(first, first + HOSTS_PER_SLICE).map((host) => JSON.stringify(host));
    yield `${first > 0 ? ',' : ''}${slice.join(',')}`;
  }
  yield ']}';
}
