/**
 * The orchestrator's own CA for the embedded default: made at first start in the data directory (ca.crt and
 * ca.key, both 0600), then used at every start to issue the server's certificate for the names it is reached
 * by. Agents pin this CA at enrollment; `edge-orch login --ca-file` trusts it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificate } from './x509-certificate.ts';

export const CA_CERTIFICATE_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';

const DAY_MS = 86_400_000;
const CA_NAME = 'edge-orch CA';

export interface CertificateAuthority {
  /** PEM; what agents and the CLI trust. */
  certificate: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The CA kept in `dir`, made (10 years) when there is none. */
export async function ensureCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  const certificateFile = join(dir, CA_CERTIFICATE_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  const existing = await Promise.all([readFile(certificateFile, 'utf8'), readFile(keyFile, 'utf8')]).catch(() => null);
  if (existing) {
    const privateKey = createPrivateKey(existing[1]);
    return { certificate: existing[0], privateKey, publicKey: createPublicKey(privateKey) };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const certificate = createCertificate({
    commonName: CA_NAME,
    publicKey,
    issuer: { commonName: CA_NAME, privateKey, publicKey },
    isCa: true,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
  });
  // The key first: a certificate on disk always has its key.
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(certificateFile, certificate, { mode: 0o600 });
  return { certificate, privateKey, publicKey };
}

/** A server certificate and key (PEM) for `names` (DNS names and IP addresses), valid for a year. */
export function issueServerCertificate(ca: CertificateAuthority, names: string[]): { certificate: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const certificate = createCertificate({
    commonName: names[0] ?? 'edge-orch',
    publicKey,
    issuer: { commonName: CA_NAME, privateKey: ca.privateKey, publicKey: ca.publicKey },
    isCa: false,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    subjectAltNames: names,
  });
  return { certificate, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
