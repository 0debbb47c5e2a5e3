import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { describe, expect, it } from 'vitest';
import {
  bootstrapInput,
  buildCluster,
  emtProfile,
  HOST,
  loadTemplate,
  loadTemplateWith,
  ubuntuProfile,
} from '../../../test/agent/support/plans.ts';
import { computeBootstrapPlan } from './bootstrap-plan.ts';
import { K3S_HOST_PATHS } from './k3s-host-paths.ts';

const v004 = loadTemplate('baseline-k3s-v0.0.4.json');
const v010 = loadTemplate('baseline-k3s-v0.0.10.json');
const rke2 = loadTemplate('baseline-rke2-v2.0.2.json');
const IMAGE = { path: '/var/lib/rancher/k3s/agent/images/k3s-airgap-images-amd64.tar.zst', sha256: 'a'.repeat(64) };

describe('computeBootstrapPlan', () => {
  it('installs template v0.0.4 on the EMT profile air-gapped, checking the embedded binary, script and images first', () => {
    const plan = computeBootstrapPlan(bootstrapInput(v004, emtProfile([IMAGE])));
    expect(plan).toMatchObject({
      flavor: 'k3s',
      kubernetesVersion: 'v1.32.4+k3s1',
      mode: 'air-gapped',
      osType: 'immutable',
      role: 'server',
      argv: ['sh', '/opt/install.sh'],
      installScriptPath: '/opt/install.sh',
      binaryPath: '/usr/local/bin/k3s',
      directories: [],
      verify: {
        binaryPath: '/usr/local/bin/k3s',
        expectedVersion: 'v1.32.4+k3s1',
        installScriptPath: '/opt/install.sh',
        airgapImages: [IMAGE],
      },
      download: null,
      install: { exec: 'server', binDir: '/usr/local/bin', binDirReadOnly: true, skipDownload: true, version: null, artifactsUrl: null },
      readiness: {
        kubeconfigPath: '/etc/rancher/k3s/k3s.yaml',
        argv: ['/usr/local/bin/k3s', 'kubectl', '--kubeconfig', '/etc/rancher/k3s/k3s.yaml', 'get', '--raw', '/readyz'],
      },
    });
  });

  it('maps the template to K3s config keys, strips the leading -- of arguments and takes CIDRs from clusterNetwork', () => {
    const plan = computeBootstrapPlan(bootstrapInput(v004, emtProfile([IMAGE])));
    const ciphers =
      'tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384';
    expect(plan.k3sConfig).toEqual({
      'node-name': 'edge-node-1',
      'node-label': ['edge-orch.io/cluster=store-42'],
      'kubelet-arg': [
        'topology-manager-policy=best-effort',
        'cpu-manager-policy=static',
        'reserved-cpus=1',
        'max-pods=250',
        ciphers,
        'pod-manifest-path=/var/lib/rancher/k3s/agent/pod-manifests',
      ],
      'kube-apiserver-arg': [ciphers, 'admission-control-config-file=/var/lib/rancher/k3s/server/psa.yaml'],
      'cluster-cidr': '10.45.0.0/16',
      'service-cidr': '10.46.0.0/16',
      'cluster-domain': 'cluster.edge',
      disable: ['metrics-server', 'traefik', 'etcd-proxy', 'servicelb'],
      'disable-cloud-controller': false,
    });
  });

  it('reports what the agent does not do: secret-backed files, the argument that needs one, and template commands', () => {
    const plan = computeBootstrapPlan(bootstrapInput(v004, emtProfile([IMAGE])));
    expect(plan.templateFiles).toEqual([]);
    expect(plan.warnings).toEqual([
      'files[0] /var/lib/rancher/k3s/server/psa.yaml is not written: its content comes from secret "pod-security-admission-config" key "baseline.yaml", which the agent cannot read',
      'kube-apiserver-arg refers to /var/lib/rancher/k3s/server/psa.yaml, which is not written',
      'not run: preK3sCommands[0] "mkdir -p /etc/systemd/system/k3s-server.service.d" (the agent does not run template commands)',
      `not run: preK3sCommands[1] ${JSON.stringify("echo '[Service]\nEnvironmentFile=/etc/environment' > /etc/systemd/system/k3s-server.service.d/override.conf")} (the agent does not run template commands)`,
    ]);
  });

  it('warns that images cannot be checked when the OS profile lists none (infra-core profiles name only the version)', () => {
    const plan = computeBootstrapPlan(bootstrapInput(v004, emtProfile()));
    expect(plan.verify?.airgapImages).toEqual([]);
    expect(plan.warnings).toContain(
      'OS profile microvisor-nonrt lists no air-gap image files with checksums; the images on the host are not verified',
    );
  });

  it("downloads on the Ubuntu profile through the mirror, overriding the template's hard-coded airGapped", () => {
    const plan = computeBootstrapPlan(bootstrapInput(v004, ubuntuProfile(), { mirrorUrl: 'http://10.0.0.1:8080/mirror/' }));
    expect(plan).toMatchObject({
      mode: 'download',
      osType: 'mutable',
      verify: null,
      download: {
        installScriptUrl: 'http://10.0.0.1:8080/mirror/k3s/install.sh',
        version: 'v1.32.4+k3s1',
        artifactsUrl: 'http://10.0.0.1:8080/mirror/k3s',
      },
      install: {
        exec: 'server',
        binDir: '/usr/local/bin',
        binDirReadOnly: false,
        skipDownload: false,
        version: 'v1.32.4+k3s1',
        artifactsUrl: 'http://10.0.0.1:8080/mirror/k3s',
      },
      argv: ['sh', K3S_HOST_PATHS.downloadedInstallScript],
      installScriptPath: K3S_HOST_PATHS.downloadedInstallScript,
      binaryPath: '/usr/local/bin/k3s',
      directories: ['/usr/local/bin'],
    });
    expect(plan.warnings[0]).toBe(
      'template sets agentConfig.airGapped=true; the OS profile decides airGapped=false (the image embeds no K3s, so it is downloaded)',
    );
  });

  it('downloads from upstream (get.k3s.io, GitHub releases) when no mirror is given', () => {
    const plan = computeBootstrapPlan(bootstrapInput(v004, ubuntuProfile()));
    expect(plan.download).toEqual({ installScriptUrl: 'https://get.k3s.io', version: 'v1.32.4+k3s1', artifactsUrl: null });
    expect(plan.install.artifactsUrl).toBeNull();
  });

  it('puts a downloaded binary in a writable directory on an immutable OS that embeds no K3s', () => {
    const profile = { ...emtProfile(), kubernetes: null };
    const plan = computeBootstrapPlan({ ...bootstrapInput(v004, profile), cluster: buildCluster(v004, profile) });
    expect(plan).toMatchObject({ mode: 'download', binaryPath: '/var/lib/rancher/k3s/bin/k3s', directories: ['/var/lib/rancher/k3s/bin'] });
    expect(plan.install).toMatchObject({ binDir: '/var/lib/rancher/k3s/bin', binDirReadOnly: false });
  });

  it('refuses template v0.0.10 on the EMT profile, naming both versions', () => {
    const error = expectAppError(() =>
      computeBootstrapPlan({ ...bootstrapInput(v010, emtProfile()), cluster: buildCluster(v010, emtProfile(), { airGapped: false }) }),
    );
    expect(error).toMatchObject({ code: 'Incompatible', reason: 'K3sVersionMismatch' });
    expect(error.detail).toBe(
      'template baseline-k3s:v0.0.10 needs K3s v1.33.5+k3s1 but OS profile microvisor-nonrt:3.0.20260602.2200 embeds K3s v1.32.4+k3s1',
    );
  });

  it("writes the inline files of template v0.0.10 under K3s's paths verbatim, with their permissions, in template order, and skips the one outside", () => {
    const plan = computeBootstrapPlan(bootstrapInput(v010, ubuntuProfile()));
    expect(plan.templateFiles.map((f) => [f.path, f.mode, f.encoding])).toEqual([
      ['/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl', 0o644, 'utf8'],
      ['/etc/rancher/k3s/config.yaml.d/kube-apiserver-arg.yaml', 0o644, 'utf8'],
      ['/etc/rancher/k3s/config.yaml.d/etcd-arg.yaml', 0o644, 'utf8'],
    ]);
    expect(plan.warnings).toContain(
      'files[4] /etc/environment.d/50-k3s.conf is not written: /etc/environment.d/50-k3s.conf is outside the places a template may write (/etc/rancher/k3s/, /var/lib/rancher/k3s/server/manifests/, /var/lib/rancher/k3s/agent/etc/containerd/ and /var/lib/rancher/k3s/server/*.yaml)',
    );
  });

  it('refuses RKE2 templates explicitly: the agent does not install RKE2 yet', () => {
    const error = expectAppError(() => computeBootstrapPlan(bootstrapInput(rke2, ubuntuProfile())));
    expect(error.code).toBe('InvalidState');
    expect(error.detail).toBe(
      'RKE2 bootstrap by the agent is not supported yet: template baseline:v2.0.2 is RKE2 v1.30.10+rke2r1; the agent installs K3s only, so choose a K3s template for this host',
    );
  });

  it('refuses a host that is not a node of the cluster, and a cluster of the capi driver', () => {
    expect(
      expectAppError(() => computeBootstrapPlan({ ...bootstrapInput(v004, emtProfile()), host: { id: 'other', name: 'other' } })).detail,
    ).toBe('host other (other) is not a node of cluster store-42');
    expect(
      expectAppError(() =>
        computeBootstrapPlan({ ...bootstrapInput(v004, emtProfile()), cluster: buildCluster(v004, emtProfile(), { driver: 'capi' }) }),
      ).code,
    ).toBe('InvalidState');
  });

  it("refuses a template or OS profile other than the cluster's", () => {
    const error = expectAppError(() =>
      computeBootstrapPlan({ ...bootstrapInput(v004, ubuntuProfile()), cluster: buildCluster(v010, ubuntuProfile()) }),
    );
    expect(error.detail).toBe('cluster store-42 uses template baseline-k3s:v0.0.10, not baseline-k3s:v0.0.4');
  });

  it('makes a worker a K3s agent that joins the given server with the token, serving no API to wait for', () => {
    const profile = emtProfile([IMAGE]);
    const cluster = buildCluster(v004, profile, {}, ['worker', 'all']);
    const plan = computeBootstrapPlan({
      ...bootstrapInput(v004, profile),
      cluster,
      serverUrl: 'https://10.0.0.2:6443',
      joinToken: 'K10secret::server:abc',
    });
    expect(plan.role).toBe('agent');
    expect(plan.readiness).toBeNull();
    expect(plan.k3sConfig).toEqual({
      'node-name': HOST.name,
      server: 'https://10.0.0.2:6443',
      token: 'K10secret::server:abc',
      'node-label': ['edge-orch.io/cluster=store-42'],
      'kubelet-arg': expect.any(Array),
    });
    expect(expectAppError(() => computeBootstrapPlan({ ...bootstrapInput(v004, profile), cluster })).detail).toBe(
      "host edge-node-1 is a worker of cluster store-42; a worker needs the URL and token of the cluster's first server",
    );
  });

  it('initialises embedded etcd on the first of several servers and taints control-plane-only nodes', () => {
    const profile = emtProfile([IMAGE]);
    const plan = computeBootstrapPlan({
      ...bootstrapInput(v004, profile),
      cluster: buildCluster(v004, profile, {}, ['controlplane', 'controlplane']),
    });
    expect(plan.k3sConfig['cluster-init']).toBe(true);
    expect(plan.k3sConfig['node-taint']).toEqual(['node-role.kubernetes.io/control-plane:NoSchedule']);
  });

  it('makes a later server join the first with the token, without initialising the cluster', () => {
    const profile = emtProfile([IMAGE]);
    const plan = computeBootstrapPlan({
      ...bootstrapInput(v004, profile),
      cluster: buildCluster(v004, profile, {}, ['controlplane', 'controlplane', 'controlplane']),
      serverUrl: 'https://10.0.0.2:6443',
      joinToken: 'f00d',
    });
    expect(plan.role).toBe('server');
    expect(plan.k3sConfig).toMatchObject({ server: 'https://10.0.0.2:6443', token: 'f00d' });
    expect(plan.k3sConfig['cluster-init']).toBeUndefined();
    expect(plan.readiness).not.toBeNull();
  });

  it("gives the first server the cluster's token, so the nodes joining later share it", () => {
    const profile = emtProfile([IMAGE]);
    const plan = computeBootstrapPlan({ ...bootstrapInput(v004, profile), joinToken: 'f00d' });
    expect(plan.k3sConfig).toMatchObject({ token: 'f00d' });
    expect(plan.k3sConfig.server).toBeUndefined();
  });

  it('refuses server URLs that carry credentials or shell characters, and a server URL without a token', () => {
    expect(
      expectAppError(() =>
        computeBootstrapPlan(bootstrapInput(v004, ubuntuProfile(), { serverUrl: 'http://10.0.0.2:6443', joinToken: 't' })),
      ).field,
    ).toBe('serverUrl');
    expect(
      expectAppError(() => computeBootstrapPlan(bootstrapInput(v004, ubuntuProfile(), { serverUrl: 'https://10.0.0.2:6443' }))).field,
    ).toBe('joinToken');
  });

  it('refuses an embedded binary path the install script could not take unquoted', () => {
    const base = emtProfile();
    const profile = { ...base, kubernetes: { ...base.kubernetes!, binaryPath: '/usr/local/bin/k 3s' } };
    expect(expectAppError(() => computeBootstrapPlan(bootstrapInput(v004, profile))).field).toBe('osProfile/kubernetes/binaryPath');
  });

  it('decodes nothing itself but keeps base64 files as base64, and skips gzip files and the K3s config path with a warning', () => {
    const template = loadTemplateWith('baseline-k3s-v0.0.10.json', (spec) => {
      spec.files = [
        { path: '/etc/rancher/k3s/a.bin', content: 'aGVsbG8=', encoding: 'base64', permissions: '0600', owner: 'nobody:nogroup' },
        { path: '/etc/rancher/k3s/b.gz', content: 'H4sI', encoding: 'gzip+base64' },
        { path: '/etc/rancher/k3s/config.yaml', content: 'x: 1' },
      ];
    });
    const plan = computeBootstrapPlan({ ...bootstrapInput(template, ubuntuProfile()), cluster: buildCluster(template, ubuntuProfile()) });
    expect(plan.templateFiles).toEqual([{ path: '/etc/rancher/k3s/a.bin', content: 'aGVsbG8=', mode: 0o600, encoding: 'base64' }]);
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        'files[0] /etc/rancher/k3s/a.bin: owner "nobody:nogroup" is not applied; root owns it',
        'files[1] /etc/rancher/k3s/b.gz is not written: encoding gzip+base64 is not supported by the agent',
        'files[2] /etc/rancher/k3s/config.yaml is not written: edge-orch renders the K3s config file itself',
      ]),
    );
  });

  it('reports the template settings it does not apply: nodeName, unknown keys (server keys on servers only), duplicate files', () => {
    const template = loadTemplateWith('baseline-k3s-v0.0.10.json', (spec) => {
      spec.agentConfig = { nodeName: 'other', extra: 1 };
      spec.serverConfig = { etcdArgs: ['x'] };
      spec.files = [
        { path: '/etc/rancher/k3s/a', content: 'one' },
        { path: '/etc/rancher/k3s/a', content: 'two' },
      ];
      spec.preK3sCommands = [];
    });
    const profile = ubuntuProfile();
    const server = computeBootstrapPlan({ ...bootstrapInput(template, profile), cluster: buildCluster(template, profile) });
    expect(server.templateFiles).toEqual([{ path: '/etc/rancher/k3s/a', content: 'two', mode: 0o644, encoding: 'utf8' }]);
    expect(server.warnings).toEqual([
      'files[1] /etc/rancher/k3s/a is listed twice; the later entry wins',
      'agentConfig.nodeName "other" is not used; the node is named after host edge-node-1',
      'agentConfig.extra is not applied by the agent',
      'serverConfig.etcdArgs is not applied by the agent',
    ]);
    const worker = computeBootstrapPlan({
      ...bootstrapInput(template, profile),
      cluster: buildCluster(template, profile, {}, ['worker', 'all']),
      serverUrl: 'https://10.0.0.2:6443',
      joinToken: 't',
    });
    expect(worker.warnings).not.toContain('serverConfig.etcdArgs is not applied by the agent');
  });

  it('accepts the CRD spelling kubeAPIServerArg as well as the EMF spelling kubeApiServerArg', () => {
    const template = loadTemplateWith('baseline-k3s-v0.0.10.json', (spec) => {
      spec.serverConfig.kubeAPIServerArg = ['--anonymous-auth=false'];
      delete spec.serverConfig.kubeApiServerArg;
      spec.serverConfig.httpsListenPort = '7443';
    });
    const plan = computeBootstrapPlan({ ...bootstrapInput(template, ubuntuProfile()), cluster: buildCluster(template, ubuntuProfile()) });
    expect(plan.k3sConfig['kube-apiserver-arg']).toEqual(['anonymous-auth=false']);
    expect(plan.k3sConfig['https-listen-port']).toBe(7443);
  });
});
