/**
 * An API under test: the real app on a real store, with tokens minted per project and role, and a request
 * helper over app.inject(). Projects "alpha" and "beta" exist so isolation can be checked everywhere.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/api/app.ts';
import { createTokenSecret, hashTokenSecret } from '../../src/workflow/token-secret.ts';
import type { Role } from '../../src/domain/roles.ts';
import type { Store } from '../../src/store/store.ts';

export interface ApiHarness {
  app: FastifyInstance;
  store: Store;
  token(project: string, role: Role): Promise<string>;
  call(
    method: string,
    url: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** `options` are passed to buildApp (a registration worker's WorkSignal, for example). */
export async function createApiHarness(store: Store, options: Omit<BuildAppOptions, 'store'> = {}): Promise<ApiHarness> {
  const app = await buildApp({ store, ...options });
  await app.ready();
  await store.projects.ensure('alpha');
  await store.projects.ensure('beta');
  const minted = new Map<string, string>();
  async function token(project: string, role: Role): Promise<string> {
    const key = `${project}/${role}`;
    const existing = minted.get(key);
    if (existing) return existing;
    const secret = createTokenSecret();
    await store.tokens.create({ project, role, name: `${role}-test`, secretHash: hashTokenSecret(secret) });
    minted.set(key, secret);
    return secret;
  }
  async function call(
    method: string,
    url: string,
    { token: bearer, body, headers = {} }: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const auth = bearer === undefined ? await token('alpha', 'admin') : bearer;
    return app.inject({
      method: method as 'GET',
      url,
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers },
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });
  }
  return {
    app,
    store,
    token,
    call,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
