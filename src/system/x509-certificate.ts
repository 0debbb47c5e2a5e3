/**
 * X.509 v3 certificates with ECDSA P-256, written as DER by hand: Node's crypto parses certificates but does not
 * make them, and the orchestrator needs only two kinds (its CA and its server certificate), so a few ASN.1
 * encoders replace a dependency. Checked against Node's own X509Certificate and TLS in the tests.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

export interface CertificateInput {
  /** The subject's common name. */
  commonName: string;
  publicKey: KeyObject;
  /** Who signs: the CA (or the subject itself for a self-signed CA). */
  issuer: { commonName: string; privateKey: KeyObject; publicKey: KeyObject };
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
  /** DNS names and IP addresses the certificate is valid for (server certificates). */
  subjectAltNames?: string[];
}

/** The certificate in PEM. */
export function createCertificate(input: CertificateInput): string {
  const { commonName, publicKey, issuer, isCa, notBefore, notAfter, subjectAltNames = [] } = input;
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive
  const extensions = [
    extension('2.5.29.19', true, seq(...(isCa ? [tlv(0x01, Buffer.from([0xff]))] : []))),
    // CA: digitalSignature, keyCertSign, cRLSign; server: digitalSignature.
    extension('2.5.29.15', true, isCa ? tlv(0x03, Buffer.from([0x01, 0x86])) : tlv(0x03, Buffer.from([0x07, 0x80]))),
    extension('2.5.29.14', false, tlv(0x04, keyIdentifier(publicKey))),
    extension('2.5.29.35', false, seq(tlv(0x80, keyIdentifier(issuer.publicKey)))),
    ...(isCa ? [] : [extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1')))]),
    ...(subjectAltNames.length > 0 ? [extension('2.5.29.17', false, seq(...subjectAltNames.map(generalName)))] : []),
  ];
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name(issuer.commonName),
    seq(time(notBefore), time(notAfter)),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer.privateKey);
  const der = seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function tlv(tag: number, value: Buffer): Buffer {
  const length = value.length;
  const head =
    length < 0x80
      ? [length]
      : length < 0x100
        ? [0x81, length]
        : length < 0x10000
          ? [0x82, length >> 8, length & 0xff]
          : [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...head]), value]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const part of rest) {
    const chunk = [part & 0x7f];
    for (let value = part >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A Name with one common name (UTF8String). */
const name = (commonName: string): Buffer => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));

/** The SHA-1 of the subject public key's DER, as RFC 5280 4.2.1.2 suggests. */
const keyIdentifier = (key: KeyObject): Buffer =>
  createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();

function generalName(value: string): Buffer {
  if (isIPv4(value)) return tlv(0x87, Buffer.from(value.split('.').map(Number)));
  if (isIPv6(value)) return tlv(0x87, ipv6Bytes(value));
  return tlv(0x82, Buffer.from(value, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return Buffer.from(all.flatMap((g) => [g >> 8, g & 0xff]));
}
