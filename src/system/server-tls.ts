/**
 * What the server serves TLS with: its own CA's certificate for the names it is reached by (the embedded
 * default), or the certificate and key files it was given. The CA is what agents pin at enrollment.
 */
import { readFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../domain/errors.ts';
import { CA_CERTIFICATE_FILE, ensureCertificateAuthority, issueServerCertificate } from './certificate-authority.ts';

/**
 * How the server speaks: TLS with its own CA kept in a directory (the data directory), TLS with given
 * certificate files, or plain HTTP only when asked for explicitly (behind a proxy that ends TLS, tests).
 */
export type TlsConfig =
  | { readonly kind: 'own-ca'; readonly dir: string; /** extra names for the server certificate */ readonly names: readonly string[] }
  | { readonly kind: 'files'; readonly certFile: string; readonly keyFile: string; /** what agents pin */ readonly caFile: string }
  | { readonly kind: 'off' };

export interface ServerTls {
  key: string;
  cert: string;
  /** The CA certificate (PEM) agents and the CLI trust. */
  ca: string;
  /** Where that CA is on disk, for `edge-orch login --ca-file`. */
  caFile: string;
}

/** The key, certificate and CA to serve with; null for plain HTTP. */
export async function loadServerTls(config: TlsConfig, listenHost: string): Promise<ServerTls | null> {
  if (config.kind === 'off') return null;
  if (config.kind === 'files') {
    const read = (path: string, flag: string): Promise<string> =>
      readFile(path, 'utf8').catch((cause: NodeJS.ErrnoException) => {
        throw new AppError('InvalidField', `${flag} ${path} cannot be read (${cause.code ?? cause.message})`, { field: flag, cause });
      });
    const [key, cert, ca] = await Promise.all([
      read(config.keyFile, '--tls-key-file'),
      read(config.certFile, '--tls-cert-file'),
      read(config.caFile, '--tls-ca-file'),
    ]);
    return { key, cert, ca, caFile: config.caFile };
  }
  const ca = await ensureCertificateAuthority(config.dir);
  const { certificate, key } = issueServerCertificate(ca, serverNames(listenHost, config.names));
  return { key, cert: certificate, ca: ca.certificate, caFile: join(config.dir, CA_CERTIFICATE_FILE) };
}

/** The names a server listening on `listenHost` is reached by: its own, loopback, every interface address. */
function serverNames(listenHost: string, extra: readonly string[]): string[] {
  const wildcard = ['0.0.0.0', '::', ''].includes(listenHost);
  const addresses = wildcard
    ? Object.values(networkInterfaces())
        .flat()
        .map((i) => i?.address ?? '')
        .filter((a) => a !== '' && !a.includes('%') && !a.toLowerCase().startsWith('fe80'))
    : [listenHost];
  return [...new Set([...addresses, ...extra, 'localhost', '127.0.0.1', '::1', hostname()])];
}
