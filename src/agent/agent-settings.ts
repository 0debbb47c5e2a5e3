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
  /** Set only by the agent itself when it re-executes inside an emulated host. */
  insideHostRoot?: boolean | undefined;
}
