/**
 * What a running K3s leaves on a host and K3s's own killall and uninstall scripts remove: its processes and its
 * shims' process trees (the pods' containers), its mounts (/run/k3s, kubelet pod volumes, /run/netns/cni-*), its
 * interfaces (cni0, flannel.*, the pods' veths) and its iptables/ip6tables rules (KUBE-, CNI-, FLANNEL chains).
 * Read inside the machine with its own tools.
 */
import type { CommandResult } from '../../hosts/systemd-host.ts';

export interface K3sLeftovers {
  processes: string[];
  mounts: string[];
  interfaces: string[];
  rules: string[];
}

const K3S_PROCESS = /(^|\/)k3s (server|agent)( |$)|containerd-shim|^sleep infinity$/;
const K3S_MOUNT = /^(\/run\/k3s(\/|$)|\/var\/lib\/kubelet\/pods\/|\/run\/netns\/cni-)/;
const K3S_INTERFACE = /^(cni0|flannel\.\d+|veth[0-9a-f]+)$/;
const K3S_RULE = /\b(KUBE|CNI|FLANNEL)-/;

export async function readK3sLeftovers(run: (argv: string[]) => Promise<CommandResult>): Promise<K3sLeftovers> {
  const lines = async (argv: string[]): Promise<string[]> => {
    const { code, output } = await run(argv);
    if (code !== 0) throw new Error(`${argv.join(' ')} failed in the machine: ${output}`);
    return output.split('\n').filter((line) => line.trim() !== '');
  };
  const [processes, mounts, links, rules4, rules6] = await Promise.all([
    lines(['ps', '-eo', 'args=']),
    lines(['findmnt', '--raw', '--noheadings', '--output', 'TARGET']),
    lines(['ip', '-o', 'link', 'show']),
    lines(['iptables-save']),
    lines(['ip6tables-save']),
  ]);
  return {
    processes: processes.map((p) => p.trim()).filter((p) => K3S_PROCESS.test(p)),
    mounts: mounts.filter((m) => K3S_MOUNT.test(m)),
    // `ip -o link` names an interface as "<index>: <name>[@<peer>]: ...".
    interfaces: links.map((l) => l.split(': ')[1]?.split('@')[0] ?? '').filter((name) => K3S_INTERFACE.test(name)),
    rules: [...rules4, ...rules6].filter((rule) => !rule.startsWith('#') && K3S_RULE.test(rule)),
  };
}
