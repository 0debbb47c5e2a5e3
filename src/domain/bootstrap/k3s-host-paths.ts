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

/**
 * Where a template's files may be written: K3s's config directory (config.yaml.d, registries.yaml), its
 * auto-deployed manifests, admission and audit configs beside them, and containerd's registry config. Nothing
 * else on a host (cron, ssh keys, the loader's preload list) is the template's to write.
 */
export const TEMPLATE_FILE_PLACES = [
  { prefix: '/etc/rancher/k3s/', what: "K3s's config directory" },
  { prefix: '/var/lib/rancher/k3s/server/manifests/', what: "K3s's auto-deployed manifests" },
  { prefix: '/var/lib/rancher/k3s/agent/etc/containerd/', what: "containerd's registry config" },
] as const;

/** Admission and audit configs sit directly in K3s's server directory (…/server/psa.yaml). */
const SERVER_CONFIG_FILE = /^\/var\/lib\/rancher\/k3s\/server\/[A-Za-z0-9._-]+\.ya?ml$/;

/** Files under those places that K3s writes itself and a template must not replace. */
const K3S_OWNED = [K3S_HOST_PATHS.kubeconfig, K3S_HOST_PATHS.configFile];

/**
 * Why a template may not write `path` (absolute, without "." or ".." segments), or null when it may. The
 * server skips such files at import; the agent refuses a plan that names one.
 */
export function templateFilePathRefusal(path: string): string | null {
  if (K3S_OWNED.includes(path as (typeof K3S_OWNED)[number])) return `${path} is written by K3s or edge-orch itself`;
  const inside = TEMPLATE_FILE_PLACES.some((place) => path.startsWith(place.prefix) && path.length > place.prefix.length);
  if (inside || SERVER_CONFIG_FILE.test(path)) return null;
  return `${path} is outside the places a template may write (${TEMPLATE_FILE_PLACES.map((p) => p.prefix).join(', ')} and /var/lib/rancher/k3s/server/*.yaml)`;
}
