/** Where K3s and its install script keep things on a host (the install script's own defaults). */
export const K3S_HOST_PATHS = {
  configFile: '/etc/rancher/k3s/config.yaml',
  kubeconfig: '/etc/rancher/k3s/k3s.yaml',
  dataDir: '/var/lib/rancher/k3s',
  /** edge-orch's own records on the host; inside the K3s data dir so cleanup removes them with it. */
  stateDir: '/var/lib/rancher/k3s/edge-orch',
  marker: '/var/lib/rancher/k3s/edge-orch/install.json',
  downloadedInstallScript: '/var/lib/rancher/k3s/edge-orch/install.sh',
  defaultBinDir: '/usr/local/bin',
  /** Where a downloaded binary goes on an immutable OS, whose /usr/local/bin is read-only (as EMF's templates do). */
  writableBinDir: '/var/lib/rancher/k3s/bin',
  systemdDir: '/etc/systemd/system',
} as const;
