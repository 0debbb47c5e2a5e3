/**
 * One host of an end-to-end test: a network namespace on the test bridge and a systemd-booted machine on an
 * image root over the base root, with its agent settings provisioned before its first boot.
 */
import { join } from 'node:path';
import { bootSystemdHost, type SystemdHost } from '../../hosts/systemd-host.ts';
import type { E2eControlPlane } from './e2e-control-plane.ts';
import type { TestNetwork } from './test-network.ts';
import { writeAgentSettings } from './write-agent-settings.ts';

export interface E2eHost {
  namespace: string;
  address: string;
  machine: SystemdHost;
}

export async function bootE2eHost({
  dir,
  network,
  control,
  serial,
  uuid,
  layers,
  immutable,
  canReachMirror,
  mirrorUrl,
  populate,
}: {
  /** The test's directory; the machine lives in `<dir>/hosts/<serial>`. */
  dir: string;
  network: TestNetwork;
  control: Pick<E2eControlPlane, 'server' | 'enrollToken' | 'caCertificate'>;
  serial: string;
  uuid: string;
  /** The image root, then the base root. */
  layers: string[];
  immutable: boolean;
  canReachMirror: boolean;
  /** The mirror the agent may download from; only download-mode hosts get one. */
  mirrorUrl?: string;
  /** More of the host's own files, written into its upper layer before its first boot. */
  populate?: (upper: string) => Promise<void>;
}): Promise<E2eHost> {
  const { namespace, address } = network.addHost({ canReachMirror });
  const machine = await bootSystemdHost({
    name: serial,
    dir: join(dir, 'hosts', serial),
    layers,
    namespace,
    immutable,
    populate: async (upper) => {
      await writeAgentSettings(upper, {
        serverUrl: control.server.url,
        enrollToken: control.enrollToken,
        caCertificate: control.caCertificate,
        address,
        uuid,
        serial,
        ...(mirrorUrl ? { mirrorUrl } : {}),
      });
      await populate?.(upper);
    },
  });
  return { namespace, address, machine };
}
