/**
 * Variants of the shared baseline-k3s v0.0.10 template, its kthreesConfigSpec edited: ones import refuses (with
 * the EMF field it names) and odd ones it accepts. The template tests and the API tests both use them.
 */
import { readFormat } from './formats.ts';

const SPEC = 'clusterconfiguration/spec/template/spec/kthreesConfigSpec';

export interface TemplateVariant {
  what: string;
  edit: (spec: Record<string, any>) => void;
}

export interface BrokenTemplate extends TemplateVariant {
  /** The field the refusal names, as the EMF document has it. */
  field: string;
  detail: string;
}

export const BROKEN_TEMPLATES: BrokenTemplate[] = [
  {
    what: 'kubeletArgs as a string',
    edit: (s) => void (s.agentConfig.kubeletArgs = '--max-pods=250'),
    field: `${SPEC}/agentConfig/kubeletArgs`,
    detail: `${SPEC}/agentConfig/kubeletArgs must be a list of strings, got string "--max-pods=250"`,
  },
  {
    what: 'kubeletArgs with a number',
    edit: (s) => void (s.agentConfig.kubeletArgs = ['ok', 3]),
    field: `${SPEC}/agentConfig/kubeletArgs`,
    detail: `${SPEC}/agentConfig/kubeletArgs must be a list of strings, got a list`,
  },
  {
    what: 'nodeTaints not a list',
    edit: (s) => void (s.agentConfig.nodeTaints = { key: 'x' }),
    field: `${SPEC}/agentConfig/nodeTaints`,
    detail: `${SPEC}/agentConfig/nodeTaints must be a list of strings, got an object`,
  },
  {
    what: 'privateRegistry a number',
    edit: (s) => void (s.agentConfig.privateRegistry = 5),
    field: `${SPEC}/agentConfig/privateRegistry`,
    detail: `${SPEC}/agentConfig/privateRegistry must be a string, got number 5`,
  },
  {
    what: 'agentConfig a list',
    edit: (s) => void (s.agentConfig = []),
    field: `${SPEC}/agentConfig`,
    detail: `${SPEC}/agentConfig must be an object, got a list`,
  },
  {
    what: 'kubeApiServerArg a string',
    edit: (s) => void (s.serverConfig.kubeApiServerArg = '--anonymous-auth=false'),
    field: `${SPEC}/serverConfig/kubeApiServerArg`,
    detail: `${SPEC}/serverConfig/kubeApiServerArg must be a list of strings, got string "--anonymous-auth=false"`,
  },
  {
    what: 'a port out of range',
    edit: (s) => void (s.serverConfig.httpsListenPort = 70000),
    field: `${SPEC}/serverConfig/httpsListenPort`,
    detail: `${SPEC}/serverConfig/httpsListenPort must be a port number (1-65535), got number 70000`,
  },
  {
    what: 'a port that is not a number',
    edit: (s) => void (s.serverConfig.advertisePort = '64k'),
    field: `${SPEC}/serverConfig/advertisePort`,
    detail: `${SPEC}/serverConfig/advertisePort must be a port number (1-65535), got string "64k"`,
  },
  {
    what: 'clusterDomain a list',
    edit: (s) => void (s.serverConfig.clusterDomain = ['cluster.edge']),
    field: `${SPEC}/serverConfig/clusterDomain`,
    detail: `${SPEC}/serverConfig/clusterDomain must be a string, got a list`,
  },
  {
    what: 'preK3sCommands a string',
    edit: (s) => void (s.preK3sCommands = 'mkdir -p /x'),
    field: `${SPEC}/preK3sCommands`,
    detail: `${SPEC}/preK3sCommands must be a list of strings, got string "mkdir -p /x"`,
  },
  {
    what: 'files an object',
    edit: (s) => void (s.files = { path: '/etc/a' }),
    field: `${SPEC}/files`,
    detail: `${SPEC}/files must be a list, got an object`,
  },
  {
    what: 'a file that is a string',
    edit: (s) => void (s.files[1] = '/etc/a'),
    field: `${SPEC}/files/1`,
    detail: `${SPEC}/files/1 must be an object with path and content, got string "/etc/a"`,
  },
  {
    what: 'a file path with ..',
    edit: (s) => void (s.files[1].path = '/etc/../shadow'),
    field: `${SPEC}/files/1/path`,
    detail: `${SPEC}/files/1/path must be an absolute path without "." or ".." segments, got string "/etc/../shadow"`,
  },
  {
    what: 'a relative file path',
    edit: (s) => void (s.files[2].path = 'etc/a'),
    field: `${SPEC}/files/2/path`,
    detail: `${SPEC}/files/2/path must be an absolute path without "." or ".." segments, got string "etc/a"`,
  },
  {
    what: 'an unknown encoding',
    edit: (s) => void (s.files[1].encoding = 'hex'),
    field: `${SPEC}/files/1/encoding`,
    detail: `${SPEC}/files/1/encoding must be base64, gzip or gzip+base64, got string "hex"`,
  },
  {
    what: 'content that is not base64',
    edit: (s) => Object.assign(s.files[1], { encoding: 'base64', content: 'not base64!' }),
    field: `${SPEC}/files/1/content`,
    detail: `${SPEC}/files/1/content is not base64`,
  },
  {
    what: 'content that is a number',
    edit: (s) => void (s.files[1].content = 42),
    field: `${SPEC}/files/1/content`,
    detail: `${SPEC}/files/1/content must be a string, got number 42`,
  },
  {
    what: 'permissions that are not octal',
    edit: (s) => void (s.files[4].permissions = '0988'),
    field: `${SPEC}/files/4/permissions`,
    detail: `${SPEC}/files/4/permissions must be octal permissions such as "0644", got string "0988"`,
  },
  {
    what: 'permissions as a number',
    edit: (s) => void (s.files[4].permissions = 644),
    field: `${SPEC}/files/4/permissions`,
    detail: `${SPEC}/files/4/permissions must be octal permissions such as "0644", got number 644`,
  },
];

/** Accepted: what the agent skips or does not apply is reported in the plan's warnings, not refused. */
export const ODD_TEMPLATES: TemplateVariant[] = [
  { what: 'no kthreesConfigSpec settings at all', edit: (s) => Object.keys(s).forEach((k) => k !== 'version' && delete s[k]) },
  {
    what: 'null sections and lists',
    edit: (s) => Object.assign(s, { agentConfig: null, serverConfig: null, files: null, preK3sCommands: null }),
  },
  {
    what: 'unknown agent and server keys',
    edit: (s) => Object.assign(s, { agentConfig: { extra: 1 }, serverConfig: { etcdArgs: ['x'] } }),
  },
  {
    what: 'skipped files whose other fields would be refused',
    edit: (s) =>
      void (s.files = [
        { path: '/etc/rancher/k3s/config.yaml', content: 7, permissions: 'x' },
        { path: '/etc/b.gz', content: 'H4sI', encoding: 'gzip+base64', permissions: 'x' },
        { path: '/etc/secret', contentFrom: { secret: { name: 5 } }, permissions: 'x' },
      ]),
  },
  {
    what: 'base64 content, an ignored owner and a path listed twice',
    edit: (s) =>
      void (s.files = [
        { path: '/etc/rancher/k3s/a.bin', content: 'aGVsbG8=', encoding: 'base64', permissions: '600', owner: 'nobody' },
        { path: '/etc/rancher/k3s/a.bin', content: 'again' },
      ]),
  },
  {
    what: 'ports as numbers and numeric strings, settings empty or null',
    edit: (s) => Object.assign(s.serverConfig, { httpsListenPort: 6443, advertisePort: '6443', bindAddress: '', clusterDNS: null }),
  },
  {
    what: 'the CRD spelling kubeAPIServerArg and a nodeName',
    edit: (s) => {
      s.serverConfig.kubeAPIServerArg = ['--anonymous-auth=false'];
      s.agentConfig.nodeName = 'other';
    },
  },
];

/** The shared baseline-k3s v0.0.10 EMF document with its kthreesConfigSpec changed by `edit`. */
export function templateVariant(edit: (spec: Record<string, any>) => void): Record<string, any> {
  const doc = JSON.parse(readFormat('templates/baseline-k3s-v0.0.10.json'));
  edit(doc.clusterconfiguration.spec.template.spec.kthreesConfigSpec);
  return doc;
}
