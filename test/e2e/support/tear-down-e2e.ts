/**
 * The end of an end-to-end run, pass or fail: each host's journal of the given units saved under `logsDir`, then
 * the machines, the network, the mirror and the server stopped and the run's directory removed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SystemdHost } from '../../hosts/systemd-host.ts';
import type { CountingMirror } from './counting-mirror.ts';
import type { E2eControlPlane } from './e2e-control-plane.ts';
import type { TestNetwork } from './test-network.ts';

export interface E2eRun {
  hosts: { name: string; machine: SystemdHost }[];
  units: string[];
  logsDir: string;
  network: TestNetwork | undefined;
  mirror: CountingMirror | undefined;
  control: E2eControlPlane | undefined;
  dir: string | undefined;
}

export async function tearDownE2eRun({ hosts, units, logsDir, network, mirror, control, dir }: E2eRun): Promise<void> {
  if (hosts.length > 0) {
    await rm(logsDir, { recursive: true, force: true });
    await mkdir(logsDir, { recursive: true });
    const unitArgs = units.flatMap((u) => ['-u', u]);
    await Promise.allSettled(
      hosts.map(async (h) =>
        writeFile(
          join(logsDir, `${h.name}.log`),
          (await h.machine.run(['journalctl', '--no-pager', '-o', 'short-iso-precise', ...unitArgs])).output,
        ),
      ),
    );
  }
  await Promise.allSettled(hosts.map((h) => h.machine.stop()));
  await network?.dispose();
  await mirror?.close().catch(() => undefined);
  await control?.server.close().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
}
