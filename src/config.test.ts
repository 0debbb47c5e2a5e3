import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './config.ts';

describe('loadServerConfig', () => {
  it('defaults to SQLite under the data directory on 127.0.0.1:8080', () => {
    const config = loadServerConfig({ dataDir: '/srv/eo' }, {});
    expect(config).toMatchObject({ store: { engine: 'sqlite', file: '/srv/eo/edge-orch.sqlite' }, host: '127.0.0.1', port: 8080 });
    expect(config.mirrorUrl).toBeUndefined();
  });

  it('takes PostgreSQL and the mirror URL from the environment, flags winning', () => {
    const env = { EDGE_ORCH_DATABASE_URL: 'postgres://eo@db:5432/eo', EDGE_ORCH_MIRROR_URL: 'http://10.0.0.1:8080/mirror/' };
    expect(loadServerConfig({}, env)).toMatchObject({
      store: { engine: 'postgres', connectionString: 'postgres://eo@db:5432/eo' },
      mirrorUrl: 'http://10.0.0.1:8080/mirror',
    });
    expect(loadServerConfig({ mirrorUrl: 'https://mirror.example/k' }, env).mirrorUrl).toBe('https://mirror.example/k');
  });

  it.each(['ftp://mirror', 'http://user:pw@mirror', 'http://mirror/$(id)', 'http://mirror/?a=1', 'http://mirror/a b', 'not a url'])(
    'refuses the mirror URL %j, naming the flag and the variable',
    (mirrorUrl) => {
      expect(() => loadServerConfig({ mirrorUrl }, {})).toThrow(
        /mirror URL .* \(--mirror-url, EDGE_ORCH_MIRROR_URL\) must be an http\(s\) URL/,
      );
    },
  );

  it('refuses an unknown database URL scheme and a bad port, naming them', () => {
    expect(() => loadServerConfig({ database: 'mysql://x' }, {})).toThrow(/database must be sqlite:<file> or postgres:/);
    expect(() => loadServerConfig({ port: 'eighty' }, {})).toThrow(/port/);
  });
});
