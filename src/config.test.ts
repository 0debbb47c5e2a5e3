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

  it('serves TLS with its own CA in the data directory unless given certificate files, and plain HTTP only when asked', () => {
    expect(loadServerConfig({ dataDir: '/srv/eo', tlsSan: 'orch.example, 10.0.0.1' }, {}).tls).toEqual({
      kind: 'own-ca',
      dir: '/srv/eo',
      names: ['orch.example', '10.0.0.1'],
    });
    expect(loadServerConfig({}, { EDGE_ORCH_TLS_CERT_FILE: '/c.pem', EDGE_ORCH_TLS_KEY_FILE: '/k.pem' }).tls).toEqual({
      kind: 'files',
      certFile: '/c.pem',
      keyFile: '/k.pem',
      caFile: '/c.pem',
    });
    expect(loadServerConfig({ insecureHttp: true }, {}).tls).toEqual({ kind: 'off' });
    expect(() => loadServerConfig({ tlsCertFile: '/c.pem' }, {})).toThrow(/give both --tls-cert-file and --tls-key-file/);
    expect(() => loadServerConfig({ tlsSan: 'a b' }, {})).toThrow(/--tls-san "a b" is not a DNS name or IP address/);
  });

  it('keeps the secret key in the data directory by default, or takes it from the environment, with a previous key while rotating', () => {
    expect(loadServerConfig({ dataDir: '/srv/eo' }, {}).secretKeys).toEqual({
      current: { kind: 'file', path: '/srv/eo/secret-key', createIfMissing: true },
      previous: null,
    });
    expect(
      loadServerConfig({ previousSecretKeyFile: '/old-key' }, { EDGE_ORCH_SECRET_KEY: 'a2V5', EDGE_ORCH_SECRET_KEY_FILE: '/ignored' })
        .secretKeys,
    ).toEqual({
      current: { kind: 'value', value: 'a2V5', givenBy: 'EDGE_ORCH_SECRET_KEY' },
      previous: { kind: 'file', path: '/old-key', createIfMissing: false },
    });
  });

  it('gives host credentials 30 days unless told otherwise, and refuses a lifetime under a minute', () => {
    expect(loadServerConfig({}, {}).hostCredentialTtlSeconds).toBe(30 * 86_400);
    expect(loadServerConfig({}, { EDGE_ORCH_HOST_CREDENTIAL_TTL: '3600' }).hostCredentialTtlSeconds).toBe(3600);
    expect(() => loadServerConfig({ hostCredentialTtl: '10' }, {})).toThrow(/at least 60/);
  });

  it('marks clusters stale after 30 minutes unless told otherwise, and refuses a time under a minute', () => {
    expect(loadServerConfig({}, {}).staleClusterAfterSeconds).toBe(1800);
    expect(loadServerConfig({}, { EDGE_ORCH_STALE_CLUSTER_AFTER: '600' }).staleClusterAfterSeconds).toBe(600);
    expect(loadServerConfig({ staleClusterAfter: '120' }, { EDGE_ORCH_STALE_CLUSTER_AFTER: '600' }).staleClusterAfterSeconds).toBe(120);
    expect(() => loadServerConfig({ staleClusterAfter: '1h' }, {})).toThrow(
      'stale-cluster time "1h" (--stale-cluster-after, EDGE_ORCH_STALE_CLUSTER_AFTER) must be a whole number of seconds, at least 60',
    );
  });
});
