/**
 * The machine identity an agent enrolls with: the SMBIOS system UUID and serial number (what hosts are
 * registered by), from flags or from DMI in sysfs.
 */
import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { invalidField } from '../domain/errors.ts';

export interface HostIdentity {
  uuid: string | null;
  serial: string | null;
}

export const DMI_DIR = '/sys/class/dmi/id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SERIAL = /^[A-Za-z0-9._-]{1,64}$/;
/** Values firmware writes when nobody set one; they identify nothing. */
const PLACEHOLDERS =
  /^(|none|n\/a|not specified|not applicable|default string|to be filled by o\.e\.m\.|system serial number|0+|f+|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;

/**
 * Flags win; whatever they leave out is read from `dmiDir` (product_uuid, product_serial; placeholders such as
 * "To Be Filled By O.E.M." count as absent). Fails naming the flags when neither yields a usable identity.
 */
export async function readHostIdentity({
  uuid,
  serial,
  dmiDir = DMI_DIR,
}: {
  uuid?: string | undefined;
  serial?: string | undefined;
  dmiDir?: string;
}): Promise<HostIdentity> {
  const identity: HostIdentity = {
    uuid:
      uuid !== undefined
        ? parseUuid(uuid, 'uuid')
        : await readDmi(join(dmiDir, 'product_uuid'), (v) => (UUID.test(v.toLowerCase()) ? v.toLowerCase() : null)),
    serial: serial !== undefined ? parseSerial(serial) : await readDmi(join(dmiDir, 'product_serial'), (v) => (SERIAL.test(v) ? v : null)),
  };
  if (identity.uuid === null && identity.serial === null) {
    throw invalidField(
      'uuid',
      `this machine's identity could not be read from ${dmiDir} (product_uuid, product_serial: missing, unreadable or placeholders); pass --uuid and/or --serial as the host was registered`,
    );
  }
  return identity;
}

function parseUuid(value: string, field: string): string {
  const lower = value.trim().toLowerCase();
  if (!UUID.test(lower)) throw invalidField(field, `--${field} ${JSON.stringify(value)} is not a UUID; expected 8-4-4-4-12 hex digits`);
  return lower;
}

function parseSerial(value: string): string {
  const trimmed = value.trim();
  if (!SERIAL.test(trimmed))
    throw invalidField('serial', `--serial ${JSON.stringify(value)} is not valid; expected 1 to 64 letters, digits, ".", "_", "-"`);
  return trimmed;
}

async function readDmi(path: string, accept: (value: string) => string | null): Promise<string | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  const value = text.trim();
  return PLACEHOLDERS.test(value) ? null : accept(value);
}

/** The host's first non-internal IPv4 address (then IPv6), for the kubeconfig others use; null when it has none. */
export function detectHostAddress(interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string | null {
  const addresses = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((a) => !a.internal);
  return (
    (addresses.find((a) => a.family === 'IPv4') ?? addresses.find((a) => a.family === 'IPv6' && !a.address.startsWith('fe80')))?.address ??
    null
  );
}
