/**
 * The artifact mirror download-mode hosts fetch K3s from: a directory (writeStandinMirror's layout) served over
 * HTTP at `<url>/k3s/...`, counting requests and bytes served per client address. A request can be held until
 * the test releases it, which pins a host in the middle of its install.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface CountingMirror {
  url: string;
  /** Per client address: bytes of file bodies sent and the paths asked for (404s included). */
  served: Map<string, { bytes: number; paths: string[] }>;
  /** Holds the next request from `client` for `path`: `reached` resolves when it arrives, `release()` answers it. */
  hold(client: string, path: string): { reached: Promise<void>; release(): void };
  close(): Promise<void>;
}

interface Hold {
  arrived(): void;
  released: Promise<void>;
}

export async function startCountingMirror({ dir, host }: { dir: string; host: string }): Promise<CountingMirror> {
  const served = new Map<string, { bytes: number; paths: string[] }>();
  const holds = new Map<string, Hold>();
  const server = createServer(async (req, res) => {
    const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const entry = served.get(client) ?? { bytes: 0, paths: [] };
    served.set(client, entry);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    entry.paths.push(path);
    const hold = holds.get(`${client} ${path}`);
    if (hold) {
      holds.delete(`${client} ${path}`);
      hold.arrived();
      await hold.released;
    }
    const file = normalize(join(dir, path));
    void stat(file)
      .then((info) => {
        if (!file.startsWith(`${dir}/`) || !info.isFile()) throw new Error('not a file');
        res.writeHead(200, { 'content-length': info.size, 'content-type': 'application/octet-stream' });
        createReadStream(file)
          .on('data', (chunk) => (entry.bytes += chunk.length))
          .pipe(res);
      })
      .catch(() => res.writeHead(404).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    served,
    hold(client, path) {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      holds.set(`${client} ${path}`, { arrived, released: new Promise<void>((resolve) => (release = resolve)) });
      return { reached, release };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
