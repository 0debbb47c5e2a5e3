/**
 * What one run of the edge agent is told (`edge-orch agent` flags): the CLI parses it, the agent runs from it.
 * One type for both, since cli and agent are sibling layers that do not import each other.
 */
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
