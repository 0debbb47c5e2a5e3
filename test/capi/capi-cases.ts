/**
 * Shared by the Cluster API tests: the shared templates parsed, the shared OS profiles, and the matrix of clusters
 * (an EMT host air-gapped, an Ubuntu host downloading K3s, three servers and two workers) built the way the
 * orchestrator decides them (computeAutoCluster: airGapped from the OS profile).
 */
import { computeAutoCluster } from '../../src/domain/registration/registration-decisions.ts';
import type { Cluster, ClusterNode } from '../../src/domain/inventory/cluster.ts';
import { parseOsProfileDocument } from '../../src/domain/inventory/os-profile.ts';
import { parseTemplate, type ClusterTemplate } from '../../src/domain/inventory/template.ts';
import { readFormat, templateFiles } from '../support/formats.ts';

export const sharedTemplates = (): { file: string; template: ClusterTemplate }[] =>
  templateFiles().map((file) => ({ file, template: parseTemplate(JSON.parse(readFormat(file))) }));

export const templateFile = (file: string): ClusterTemplate => parseTemplate(JSON.parse(readFormat(`templates/${file}`)));

export const EMT_PROFILE = parseOsProfileDocument(readFormat('os-profiles/microvisor-nonrt.yaml'));
export const UBUNTU_PROFILE = parseOsProfileDocument(readFormat('os-profiles/ubuntu-22.04-lts-generic.yaml'));

type ClusterValue = Omit<Cluster, 'id' | 'project' | 'createdAt' | 'updatedAt'>;

export function decideCluster(name: string, template: ClusterTemplate, profile: typeof EMT_PROFILE, nodes: ClusterNode[]): ClusterValue {
  const decided = computeAutoCluster({
    plan: { cluster: { name, labels: { site: 'lab-1' } }, registration: { name: 'edge-1' } } as any,
    hostId: nodes[0]!.hostId,
    template,
    profile,
  });
  if (!decided.ok) throw new Error(`${name}: ${decided.reason.message}`);
  return { ...decided.cluster, nodes, driver: 'capi' };
}

const one: ClusterNode[] = [{ hostId: 'h1', role: 'all' }];
const fiveNodes: ClusterNode[] = [
  { hostId: 'h1', role: 'controlplane' },
  { hostId: 'h2', role: 'controlplane' },
  { hostId: 'h3', role: 'controlplane' },
  { hostId: 'h4', role: 'worker' },
  { hostId: 'h5', role: 'worker' },
];

/** The EMT profile embeds K3s v1.32.4+k3s1: baseline-k3s v0.0.4 runs air-gapped on it. */
export const clusterMatrix = (): { what: string; cluster: ClusterValue; template: ClusterTemplate }[] => {
  const emtTemplate = templateFile('baseline-k3s-v0.0.4.json');
  const downloadTemplate = templateFile('baseline-k3s-v0.0.10.json');
  return [
    { what: 'EMT host, air-gapped', cluster: decideCluster('emt-edge', emtTemplate, EMT_PROFILE, one), template: emtTemplate },
    {
      what: 'Ubuntu host, K3s downloaded',
      cluster: decideCluster('ubuntu-edge', downloadTemplate, UBUNTU_PROFILE, one),
      template: downloadTemplate,
    },
    {
      what: 'three servers and two workers on EMT',
      cluster: decideCluster('emt-five', emtTemplate, EMT_PROFILE, fiveNodes),
      template: emtTemplate,
    },
  ];
};
