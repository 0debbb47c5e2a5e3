/** The requests and results passed between a test (sandbox.ts) and the runner inside the namespace. */
import type { CleanupOptions } from '../../../src/agent/cleanup.ts';
import type { RunInstallOptions } from '../../../src/agent/run-install.ts';

/** The line prefix of the runner's JSON result on stdout. */
export const RESULT_PREFIX = 'SANDBOX-RESULT ';
/** Where the `mirror` op serves sources/mirror inside the sandbox. */
export const MIRROR_URL = 'http://127.0.0.1:8080/mirror';

export type SandboxOp =
  /** Puts K3s files from sources/<source> where the EMT RPM puts them; `rpm` builds and installs a real RPM. */
  | { op: 'image'; source: string; via: 'copy' | 'rpm'; readOnlyBin?: boolean }
  /** Serves sources/mirror at MIRROR_URL (http://127.0.0.1:8080/mirror), recording the paths asked for. */
  | { op: 'mirror' }
  | { op: 'mirror-requests' }
  /** Runs the plan; without a planRevision, the plan's own sha256 names it (as the server's does). */
  | { op: 'install'; options: Omit<RunInstallOptions, 'baseEnv' | 'planRevision'> & { planRevision?: string } }
  | { op: 'cleanup'; options: Omit<CleanupOptions, 'listPackageFiles' | 'baseEnv'> }
  | { op: 'observe'; paths: string[] }
  | { op: 'write'; path: string; content: string; mode?: number }
  | { op: 'exec'; argv: string[] };

export interface SandboxRequest {
  /** An empty directory the runner mounts a tmpfs on (it holds the overlays' upper layers). */
  scratch: string;
  /** Files prepared by the test (stand-in sources, mirror); copied in before the overlays go up. */
  sources: string;
  ops: SandboxOp[];
}

export type OpResult = { ok: true; value: unknown } | { ok: false; error: { code: string; detail: string } };

export interface ObservedPath {
  kind: 'file' | 'dir' | 'symlink';
  mode: number;
  sha256?: string;
  /** File content as UTF-8 when small. */
  text?: string | null;
  linkTarget?: string;
}
