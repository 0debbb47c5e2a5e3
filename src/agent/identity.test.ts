import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectHostAddress, readHostIdentity } from './identity.ts';

let dmiDir: string;
beforeEach(async () => {
  dmiDir = await mkdtemp(join(tmpdir(), 'edge-orch-dmi-'));
});
afterEach(() => rm(dmiDir, { recursive: true, force: true }));

describe('readHostIdentity', () => {
  it('reads the system UUID (lowercased) and serial from DMI', async () => {
    await writeFile(join(dmiDir, 'product_uuid'), '4C4C4544-0042-3510-8052-B4C04F4E4E32\n');
    await writeFile(join(dmiDir, 'product_serial'), 'FZ12345\n');
    expect(await readHostIdentity({ dmiDir })).toEqual({ uuid: '4c4c4544-0042-3510-8052-b4c04f4e4e32', serial: 'FZ12345' });
  });

  it('lets flags win over DMI and treats firmware placeholders as absent', async () => {
    await writeFile(join(dmiDir, 'product_uuid'), '4c4c4544-0042-3510-8052-b4c04f4e4e32\n');
    await writeFile(join(dmiDir, 'product_serial'), 'To Be Filled By O.E.M.\n');
    expect(await readHostIdentity({ dmiDir, uuid: 'AAAAAAAA-0000-1000-8000-000000000001' })).toEqual({
      uuid: 'aaaaaaaa-0000-1000-8000-000000000001',
      serial: null,
    });
  });

  it('fails naming the flags when there is no usable identity', async () => {
    await writeFile(join(dmiDir, 'product_uuid'), '00000000-0000-0000-0000-000000000000\n');
    await expect(readHostIdentity({ dmiDir })).rejects.toThrow(
      `this machine's identity could not be read from ${dmiDir} (product_uuid, product_serial: missing, unreadable or placeholders); pass --uuid and/or --serial as the host was registered`,
    );
  });

  it('rejects a malformed --uuid or --serial', async () => {
    await expect(readHostIdentity({ dmiDir, uuid: 'not-a-uuid' })).rejects.toThrow(
      '--uuid "not-a-uuid" is not a UUID; expected 8-4-4-4-12 hex digits',
    );
    await expect(readHostIdentity({ dmiDir, serial: 'a b' })).rejects.toThrow('--serial "a b" is not valid');
  });
});

describe('detectHostAddress', () => {
  it('picks the first non-internal IPv4 address', () => {
    const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({
      address,
      family,
      internal,
      netmask: '',
      mac: '',
      cidr: null,
    });
    expect(
      detectHostAddress({ lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('fe80::1', 'IPv6'), nic('10.0.0.5', 'IPv4')] } as never),
    ).toBe('10.0.0.5');
    expect(detectHostAddress({ lo: [nic('127.0.0.1', 'IPv4', true)] } as never)).toBeNull();
  });
});
