/**
 * The environment K3s's install script (https://get.k3s.io) reads. Only constants and validated paths, URLs and
 * versions go here: the script pastes some of them unquoted into the systemd unit and scripts it writes.
 */
import type { InstallSettings } from '../../domain/bootstrap/bootstrap-plan.ts';

/**
 * Air-gapped: INSTALL_K3S_SKIP_DOWNLOAD=true and the binary's directory; on an immutable OS also
 * INSTALL_K3S_BIN_DIR_READ_ONLY=true (no symlinks or kill/uninstall scripts in the read-only directory).
 * Download: INSTALL_K3S_VERSION, and with a mirror GITHUB_URL (the script's base for
 * `<GITHUB_URL>/download/<version>/k3s` and `sha256sum-<arch>.txt`) plus INSTALL_K3S_SKIP_SELINUX_RPM=true,
 * because the SELinux RPM would come from rpm.rancher.io, which a mirror does not serve.
 * INSTALL_K3S_SKIP_ENABLE and INSTALL_K3S_SKIP_START stay unset: the unit must be enabled (K3s comes back after
 * a reboot) and started (the agent waits for it). The K3s arguments live in config.yaml, so
 * INSTALL_K3S_EXEC is only `server` or `agent`.
 */
export function renderInstallEnv(install: InstallSettings): Record<string, string> {
  const env: Record<string, string> = {
    INSTALL_K3S_EXEC: install.exec,
    INSTALL_K3S_BIN_DIR: install.binDir,
  };
  if (install.skipDownload) env['INSTALL_K3S_SKIP_DOWNLOAD'] = 'true';
  if (install.binDirReadOnly) env['INSTALL_K3S_BIN_DIR_READ_ONLY'] = 'true';
  if (install.version !== null) env['INSTALL_K3S_VERSION'] = install.version;
  if (install.artifactsUrl !== null) {
    env['GITHUB_URL'] = install.artifactsUrl;
    env['INSTALL_K3S_SKIP_SELINUX_RPM'] = 'true';
  }
  return env;
}
