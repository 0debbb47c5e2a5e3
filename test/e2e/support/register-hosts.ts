/**
 * Registers the test's hosts in bulk with auto-provision and auto-cluster, as an onboarding manager does: an EMF
 * bulk-import CSV and `edge-orch host import FILE --auto-provision --auto-cluster`, which returns when the
 * registration jobs have finished every row.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EdgeOrchCli } from '../../support/edge-orch-cli.ts';

export interface HostToRegister {
  serial: string;
  uuid: string;
  /** Absent: the host is only registered (with autoProvision false). */
  osProfile?: string;
  /** name:version; with `cluster`, or neither for a host only provisioned (its cluster is made afterwards). */
  template?: string;
  cluster?: string;
}

export const HOST_CSV_HEADER =
  'Serial,UUID,OSProfile,Site,Secure,RemoteUser,Metadata,LVMSize,CloudInitMeta,K8sEnable,K8sClusterTemplate,K8sConfig,Error - do not fill';

/** The CSV: one single-node cluster per host that names one (`K8sConfig` role:all;name:<cluster>). */
export function renderHostCsv(hosts: HostToRegister[]): string {
  const rows = hosts.map((h) =>
    [
      h.serial,
      h.uuid,
      h.osProfile ?? '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      h.template ?? '',
      h.cluster ? `role:all;name:${h.cluster}` : '',
      '',
    ].join(','),
  );
  return `${[HOST_CSV_HEADER, ...rows].join('\n')}\n`;
}

/**
 * Writes `<dir>/hosts.csv` and imports it with the logged-in CLI (--auto-cluster when every host names a
 * cluster; without `autoProvision` the hosts are only registered); throws with the failed rows unless all succeeded.
 */
export async function registerHosts({
  cli,
  dir,
  hosts,
  autoProvision = true,
}: {
  cli: EdgeOrchCli;
  dir: string;
  hosts: HostToRegister[];
  autoProvision?: boolean;
}): Promise<{ totals: { hosts: number; succeeded: number; failed: number } }> {
  const file = join(dir, 'hosts.csv');
  await writeFile(file, renderHostCsv(hosts));
  const flags = [...(autoProvision ? ['--auto-provision'] : []), ...(hosts.every((h) => h.cluster) ? ['--auto-cluster'] : [])];
  const result = await cli.run(['host', 'import', file, ...flags, '-o', 'json']);
  if (result.code !== 0) {
    const failed = await readFile(join(dir, 'hosts.failed.csv'), 'utf8').catch(() => '(no failed-rows file)');
    throw new Error(`edge-orch host import exited with ${result.code}:\n${result.stderr}\n${result.stdout}\nfailed rows:\n${failed}`);
  }
  return JSON.parse(result.stdout) as { totals: { hosts: number; succeeded: number; failed: number } };
}
