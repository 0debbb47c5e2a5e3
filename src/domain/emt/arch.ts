/**
 * Architectures of EMT images: K3s names its artifacts with Go's names (amd64, arm64), RPM and EMT with the
 * kernel's (x86_64, aarch64). One table maps between them.
 */
import { invalidField } from '../errors.ts';

export type EmtArch = 'amd64' | 'arm64';
export type RpmArch = 'x86_64' | 'aarch64';

const RPM_ARCH: Record<EmtArch, RpmArch> = { amd64: 'x86_64', arm64: 'aarch64' };

/** The accepted `--arch` values, in the order the error message lists them. */
export const EMT_ARCHES = Object.keys(RPM_ARCH) as EmtArch[];

/** Reads a K3s architecture; an unknown one fails naming `field` and the accepted values. */
export function parseEmtArch(text: unknown, field = '--arch'): EmtArch {
  if (typeof text === 'string' && (EMT_ARCHES as string[]).includes(text)) return text as EmtArch;
  throw invalidField(field, `${field} ${JSON.stringify(text)} is not a supported architecture; expected one of ${EMT_ARCHES.join(', ')}`);
}

/** The RPM (and EMT OS profile) architecture of a K3s architecture: amd64 → x86_64, arm64 → aarch64. */
export const toRpmArch = (arch: EmtArch): RpmArch => RPM_ARCH[arch];
