/** The kubeconfig K3s writes, pointed at the host's address instead of 127.0.0.1 so it works from elsewhere. */
import { isMap, isSeq, parseDocument } from 'yaml';
import { invalidField } from '../../domain/errors.ts';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;
const DNS_NAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

/** Replaces the host part of every cluster's `server` URL with `address` (IPv4, IPv6 or DNS name), keeping the port. */
export function renderKubeconfigForAddress(text: string, address: string): string {
  const ipv6 = address.includes(':');
  if (!(IPV4.test(address) || (ipv6 && IPV6.test(address)) || DNS_NAME.test(address))) {
    throw invalidField('hostAddress', `hostAddress ${JSON.stringify(address)} is not an IP address or DNS name`);
  }
  const doc = parseDocument(text);
  const clusters = doc.get('clusters');
  if (isSeq(clusters)) {
    for (const item of clusters.items) {
      const cluster = isMap(item) ? item.get('cluster') : undefined;
      const server = isMap(cluster) ? cluster.get('server') : undefined;
      if (!isMap(cluster) || typeof server !== 'string') continue;
      const url = new URL(server);
      url.hostname = ipv6 ? `[${address}]` : address;
      cluster.set('server', url.toString().replace(/\/$/, ''));
    }
  }
  return doc.toString({ lineWidth: 0, indentSeq: false }); // K3s writes sequences unindented
}
