/** What one run of the edge agent is told: the `edge-orch agent` flags (agent-command.ts), with the global --server. */
export interface AgentSettings {
  server: string;
  enrollToken: string;
  uuid?: string | undefined;
  serial?: string | undefined;
  root?: string | undefined;
  stateDir?: string | undefined;
  address?: string | undefined;
  once?: boolean | undefined;
  /** The CA to trust before enrollment (the global --ca-file); enrollment then pins the server's. */
  caFile?: string | undefined;
  /** Allows an http:// server (tests only). */
  insecureHttp?: boolean | undefined;
  /** The only mirror downloads may come from; absent: K3s's upstream URLs only. */
  mirrorUrl?: string | undefined;
  /** Set only by the agent itself when it re-executes inside an emulated host. */
  insideHostRoot?: boolean | undefined;
}
