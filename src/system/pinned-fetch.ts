/**
 * fetch over HTTPS that trusts one CA only (the orchestrator's, pinned): Node's global fetch takes no CA of its
 * own, so this speaks node:https and answers with a standard Response. The system's CAs are not trusted, and
 * plain http:// is refused.
 */
import { request } from 'node:https';

export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export function createPinnedFetch(caCertificate: string): Fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      if (url.protocol !== 'https:') {
        reject(new TypeError(`refusing ${url.protocol}// with a pinned CA: only https:// is trusted`));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body = typeof init.body === 'string' ? init.body : undefined;
      const req = request(
        url,
        // No pooled sockets: a kept-alive socket would hold a short-lived CLI process open.
        { method: init.method ?? 'GET', headers, ca: caCertificate, agent: false, ...(signal ? { signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('error', reject);
          res.once('end', () => {
            const status = res.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
            }
            const content = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(content, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
          });
        },
      );
      req.once('error', (error) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })));
      req.end(body);
    });
}
