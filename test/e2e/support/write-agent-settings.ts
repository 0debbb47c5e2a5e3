/**
 * A host's own agent settings, as an operator provisions them before its first boot: the package's settings file
 * /etc/edge-orch/agent.yaml (root-only, as it holds the enrollment token) filled in, and the server's CA next to
 * it. The unit, its enabling and the program come from the edge-orch-agent RPM in the host's image.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { AGENT_PACKAGE_PATHS } from '../../../src/domain/emt/agent-package.ts';
import type { AgentConfig } from '../../../src/render/bootstrap/agent-config.ts';

const CA_FILE = '/etc/edge-orch/server-ca.pem';

export interface AgentSettings {
  serverUrl: string;
  enrollToken: string;
  /** The server's CA certificate (PEM), trusted until enrollment pins it. */
  caCertificate: string;
  /** The host's address on the test bridge, for its kubeconfig. */
  address: string;
  /** The machine's identity; an nspawn machine has no DMI (product_uuid, product_serial) of its own. */
  uuid: string;
  serial: string;
  /** The only mirror downloads may come from; only download-mode hosts get one. */
  mirrorUrl?: string;
}

/** Writes the settings file and the CA into `upper` (the host's writable layer, before it boots). */
export async function writeAgentSettings(upper: string, settings: AgentSettings): Promise<void> {
  const config: AgentConfig = {
    server: settings.serverUrl,
    enrollToken: settings.enrollToken,
    caFile: CA_FILE,
    address: settings.address,
    uuid: settings.uuid,
    serial: settings.serial,
    ...(settings.mirrorUrl ? { mirrorUrl: settings.mirrorUrl } : {}),
  };
  const put = async (path: string, content: string, mode: number): Promise<void> => {
    await mkdir(dirname(join(upper, path)), { recursive: true });
    await writeFile(join(upper, path), content, { mode });
  };
  await put(AGENT_PACKAGE_PATHS.config, stringify(config), 0o600);
  await put(CA_FILE, settings.caCertificate, 0o644);
}
