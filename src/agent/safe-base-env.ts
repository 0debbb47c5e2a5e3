/**
 * The environment of every program the agent runs (the install script, k3s, rpm, mount): small and fixed, so
 * the agent's own variables, credentials included, never reach them.
 */

/** The only PATH those programs get: system directories, nothing from the agent's own environment. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/** PATH, HOME, LANG and the proxy settings (a download install needs them) of `from`. */
export function safeBaseEnv(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: SAFE_PATH, HOME: '/root', LANG: 'C.UTF-8' };
  for (const name of PROXY_VARIABLES) if (from[name]) env[name] = from[name]!;
  return env;
}
