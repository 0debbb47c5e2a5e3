import { describe, expect, it } from 'vitest';
import { renderInstallEnv } from './install-env.ts';

describe('renderInstallEnv', () => {
  it('air-gapped on an immutable OS: skip the download, use the read-only bin dir, start the unit', () => {
    expect(
      renderInstallEnv({
        exec: 'server',
        binDir: '/usr/local/bin',
        binDirReadOnly: true,
        skipDownload: true,
        version: null,
        artifactsUrl: null,
      }),
    ).toEqual({
      INSTALL_K3S_EXEC: 'server',
      INSTALL_K3S_BIN_DIR: '/usr/local/bin',
      INSTALL_K3S_SKIP_DOWNLOAD: 'true',
      INSTALL_K3S_BIN_DIR_READ_ONLY: 'true',
    });
  });

  it("air-gapped on a mutable OS: the bin dir stays writable for the installer's symlinks and scripts", () => {
    const env = renderInstallEnv({
      exec: 'server',
      binDir: '/usr/local/bin',
      binDirReadOnly: false,
      skipDownload: true,
      version: null,
      artifactsUrl: null,
    });
    expect(env).not.toHaveProperty('INSTALL_K3S_BIN_DIR_READ_ONLY');
    expect(env).toHaveProperty('INSTALL_K3S_SKIP_DOWNLOAD', 'true');
  });

  it('download through a mirror: the version, the mirror as GITHUB_URL, and no SELinux RPM from the internet', () => {
    expect(
      renderInstallEnv({
        exec: 'agent',
        binDir: '/usr/local/bin',
        binDirReadOnly: false,
        skipDownload: false,
        version: 'v1.33.5+k3s1',
        artifactsUrl: 'http://m/k3s',
      }),
    ).toEqual({
      INSTALL_K3S_EXEC: 'agent',
      INSTALL_K3S_BIN_DIR: '/usr/local/bin',
      INSTALL_K3S_VERSION: 'v1.33.5+k3s1',
      GITHUB_URL: 'http://m/k3s',
      INSTALL_K3S_SKIP_SELINUX_RPM: 'true',
    });
  });

  it('never skips enabling or starting the unit', () => {
    const env = renderInstallEnv({
      exec: 'server',
      binDir: '/usr/local/bin',
      binDirReadOnly: false,
      skipDownload: false,
      version: 'v1.33.5+k3s1',
      artifactsUrl: null,
    });
    expect(Object.keys(env)).toEqual(['INSTALL_K3S_EXEC', 'INSTALL_K3S_BIN_DIR', 'INSTALL_K3S_VERSION']);
  });
});
