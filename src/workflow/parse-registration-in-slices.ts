/**
 * parseRegistrationRequest for big requests: the hosts are parsed in slices with a turn of the event loop between
 * them, so a 50,000-host request never holds other requests for more than a slice (about 10 ms).
 */
import { setImmediate } from 'node:timers/promises';
import { createHostPlanParser, parseRegistrationHead, type RegistrationRequest } from '../domain/registration/registration-request.ts';

const MAX_SLICE_MS = 10;
/** Hosts parsed between two looks at the clock. */
const STRIDE = 100;

export async function parseRegistrationInSlices(body: unknown): Promise<RegistrationRequest> {
  const head = parseRegistrationHead(body);
  const parser = createHostPlanParser(head);
  let sliceStarted = performance.now();
  for (let index = 0; index < head.hosts.length; index++) {
    parser.add(head.hosts[index], index);
    if (index % STRIDE === STRIDE - 1 && performance.now() - sliceStarted > MAX_SLICE_MS) {
      await setImmediate();
      sliceStarted = performance.now();
    }
  }
  return parser.finish();
}
