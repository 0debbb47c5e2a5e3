/**
 * Real server processes for the durability tests: spawn `test/support/serve-process.ts`, talk HTTP to it,
 * SIGKILL it, start it again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { osProfileFiles, readFormat } from '../support/formats.ts';

const ENTRY = resolve(import.meta.dirname, '../support/serve-process.ts');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no cleanup at all, like a crash or the OOM killer. */
  kill(): Promise<void>;
  /** SIGTERM: the server stops its worker and closes. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  dataDir: string;
  database?: string;
  /** Registration lease; short so a restarted or surviving server takes a killed one's hosts over quickly. */
  leaseMs?: number;
}

export async function startServerProcess({ dataDir, database, leaseMs = 3_000 }: ServerOptions): Promise<ServerProcess> {
  const args = [ENTRY, '--data-dir', dataDir, '--port', '0', ...(database ? ['--database', database] : []), '--lease-ms', String(leaseMs)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    // Log lines (level warn) may come first: the line with the URL is the one that has it.
    lines.on('line', (line) => {
      const { url } = JSON.parse(line) as { url?: string };
      if (url) done(url);
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  return {
    url,
    child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function readAdminToken(dataDir: string): Promise<string> {
  return (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
}

/** JSON over HTTP with the admin token; throws on a status other than `expect`. */
export function createClient(base: () => string, token: string) {
  return async function request<T = any>(method: string, path: string, body?: unknown, expect: number[] = [200, 201, 202]): Promise<T> {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
}

/** Imports the shared OS profiles and one template into the default project. */
export async function seedInventory(request: ReturnType<typeof createClient>, template = 'baseline-k3s-v0.0.4.json'): Promise<void> {
  for (const file of osProfileFiles())
    await request('POST', '/api/v1/projects/default/osprofiles/import', { document: readFormat(file) }, [201, 409]);
  await request('POST', '/api/v1/projects/default/templates', JSON.parse(readFormat(`templates/${template}`)), [201, 409]);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
