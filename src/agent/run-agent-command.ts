/**
 * Running `edge-orch agent` (declared in agent-command.ts): turns its settings into a running agent. With --root
 * it first re-executes itself inside an emulated host (host-root.ts). Resolves with the process exit code.
 */
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_AGENT_STATE_DIR, HOST_MANIFEST_PATH } from '../domain/bootstrap/host-root.ts';
import { parseMirrorUrl } from '../domain/bootstrap/mirror-url.ts';
import { invalidField } from '../domain/errors.ts';
import { runAgent } from './agent.ts';
import type { AgentSettings } from './agent-settings.ts';
import { mountHostRoot, reexecInHostRoot } from './host-root.ts';
import { detectHostAddress, DMI_DIR, readHostIdentity } from './identity.ts';
import { readCaFile } from '../system/read-ca-file.ts';
import { createSouthboundClient } from './southbound-client.ts';

export async function runAgentCommand(flags: AgentSettings): Promise<number> {
  if (flags.root !== undefined && !flags.insideHostRoot) return reexecInHostRoot();
  const log = pino({ name: 'edge-orch-agent', base: { pid: process.pid } }, pino.destination(2));
  const root = flags.root !== undefined ? resolve(flags.root) : null;
  const mounted = root ? await mountHostRoot(root) : null;
  if (mounted)
    log.info({ root, mounts: mounted.mounts.map((m) => `${m.target}${m.readOnly ? ' (ro)' : ''}`) }, 'emulated host root mounted');

  const identity = await readHostIdentity({ uuid: flags.uuid, serial: flags.serial, dmiDir: root ? join(root, DMI_DIR) : DMI_DIR });
  const hostAddress = flags.address ?? detectHostAddress();
  if (!hostAddress) throw invalidField('address', 'this host has no network address to put into the kubeconfig; pass --address');
  const stateDir = flags.stateDir ?? DEFAULT_AGENT_STATE_DIR;
  const caFile = flags.caFile ?? process.env['EDGE_ORCH_CA_FILE'];
  if (!stateDir.startsWith('/')) throw invalidField('stateDir', `--state-dir ${JSON.stringify(stateDir)} must be an absolute path`);

  const stop = new AbortController();
  const onSignal = (): void => stop.abort(new Error('stopped by signal'));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const result = await runAgent({
      client: createSouthboundClient({
        serverUrl: flags.server,
        caCertificate: caFile ? readCaFile(caFile) : undefined,
        insecureHttp: flags.insecureHttp ?? false,
      }),
      mirrorUrl: flags.mirrorUrl ? parseMirrorUrl(flags.mirrorUrl, '--mirror-url, EDGE_ORCH_MIRROR_URL') : null,
      enrollToken: flags.enrollToken,
      identity,
      // Under --root the state directory is the emulated host's, inside its root.
      stateDir: root ? join(root, stateDir) : stateDir,
      manifestPath: HOST_MANIFEST_PATH,
      hostAddress,
      once: flags.once ?? false,
      signal: stop.signal,
      log,
      ...(mounted ? { checkPlan: mounted.checkPlan } : {}),
    });
    return flags.once && !result.ok ? 1 : 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
