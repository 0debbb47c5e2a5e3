/** `edge-orch cluster create|list|get|delete|upgrade|kubeconfig|nodes add|nodes remove`, with --watch on get and list. */
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { ClusterChange, ClusterSchema } from '../../contract/cluster.schema.ts';
import { invalidField, isAppError } from '../../domain/errors.ts';
import { NODE_ROLES, type NodeRole } from '../../domain/inventory/cluster.ts';
import type { ApiClient } from '../api-client.ts';
import { CLUSTER_EXIT_CODES, CLUSTER_EXIT_HELP } from '../cluster-exit-codes.ts';
import { computeExitCode } from '../exit-code.ts';
import { commandContext, reportError } from '../command-context.ts';
import { renderOutput, renderTable, type Column } from '../output/output.ts';
import { STEP_COLUMNS, type StepView } from '../output/step-views.ts';
import { watchClusters, type WatchEnd } from '../watch-clusters.ts';
import { parseLabelFlags } from './host.ts';

type ClusterView = Static<typeof ClusterSchema>;
type ClusterChangeView = Static<typeof ClusterChange>;

const COLUMNS: Column<ClusterView>[] = [
  { header: 'NAME', value: (c) => c.name },
  { header: 'PHASE', value: (c) => c.phase },
  { header: 'TEMPLATE', value: (c) => `${c.template.name}:${c.template.version}` },
  { header: 'KUBERNETES', value: (c) => c.kubernetesVersion },
  { header: 'OS PROFILE', value: (c) => c.osProfile },
  { header: 'NODES', value: (c) => c.nodes.map((n) => `${n.hostId}=${n.role}`).join(',') },
  { header: 'MODE', value: (c) => (c.airGapped ? 'air-gapped' : 'download') },
  { header: 'MESSAGE', value: (c) => c.message },
];

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--node host[=role]` (repeatable) → the request's nodes; names the flag when malformed. */
export function parseNodeFlags(values: string[] | undefined): { host: string; role?: NodeRole }[] {
  if (!values || values.length === 0) throw invalidField('--node', 'give at least one --node <host>[=<role>]');
  return values.map((text) => {
    const eq = text.indexOf('=');
    if (eq === -1) return { host: text };
    const role = text.slice(eq + 1);
    if (!(NODE_ROLES as readonly string[]).includes(role))
      throw invalidField('--node', `--node ${JSON.stringify(text)}: role must be one of ${NODE_ROLES.join(', ')}`);
    return { host: text.slice(0, eq), role: role as NodeRole };
  });
}

const clusterPath = (client: ApiClient, name: string, rest = ''): string =>
  client.projectPath(`/clusters/${encodeURIComponent(name)}${rest}`);

/** Each host's steps, one row per step, named by host. */
function renderChange(change: ClusterChangeView): string {
  const rows = change.hosts.flatMap((h) => h.steps.map((s) => ({ ...s, host: h.name })));
  return [
    renderTable([change.cluster], COLUMNS),
    '',
    renderTable<StepView & { host: string }>(rows, [{ header: 'HOST', value: (r) => r.host }, ...STEP_COLUMNS]),
  ].join('\n');
}

/** One line on the cluster's upgrade: its target and how many nodes moved. */
function describeUpgrade({ name, upgrade }: ClusterView): string {
  if (!upgrade) return `cluster ${name} has no upgrade`;
  const done = upgrade.steps.filter((s) => s.state === 'done').length;
  const progress = `${done} of ${upgrade.steps.length} nodes moved`;
  if (upgrade.state === 'failed')
    return `upgrade to K3s ${upgrade.kubernetesVersion} stopped (${progress}): ${upgrade.failure?.reason.message ?? ''}`;
  return `upgrade ${upgrade.fromVersion} → ${upgrade.kubernetesVersion}: ${upgrade.state} (${progress}); follow with: edge-orch cluster get ${name} --watch`;
}

/** Like runAction, with the cluster exit codes. */
function runClusterAction<A extends unknown[]>(fn: (this: Command, ...args: A) => Promise<number | void>) {
  return async function action(this: Command, ...args: A): Promise<void> {
    try {
      process.exitCode = (await fn.apply(this, args)) ?? CLUSTER_EXIT_CODES.ok;
    } catch (error) {
      reportError(error);
      process.exitCode = computeExitCode(error);
    }
  };
}

/** Follows phase changes until a terminal phase; Ctrl-C ends the watch cleanly. */
async function watch(read: () => Promise<ClusterView[]>, print: (line: string) => void, intervalSeconds: string): Promise<number> {
  const intervalMs = Number(intervalSeconds) * 1000;
  if (!Number.isFinite(intervalMs) || intervalMs < 100)
    throw invalidField('--interval', '--interval must be a number of seconds, at least 0.1');
  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  let end: WatchEnd;
  try {
    end = await watchClusters({ read, print, intervalMs, signal: abort.signal });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  return {
    ready: CLUSTER_EXIT_CODES.ok,
    deleted: CLUSTER_EXIT_CODES.ok,
    failed: CLUSTER_EXIT_CODES.clusterFailed,
    interrupted: CLUSTER_EXIT_CODES.interrupted,
  }[end];
}

async function readCluster(client: ApiClient, name: string): Promise<ClusterView[]> {
  try {
    return [await client.get<ClusterView>(clusterPath(client, name))];
  } catch (error) {
    if (isAppError(error) && error.code === 'NotFound') return [];
    throw error;
  }
}

async function readAllClusters(client: ApiClient): Promise<ClusterView[]> {
  const items: ClusterView[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: ClusterView[]; nextCursor: string | null } = await client.get(client.projectPath('/clusters'), {
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export function registerClusterCommands(program: Command): Command {
  const cluster = program
    .command('cluster')
    .description('Clusters: create them on existing hosts, follow them, add and remove nodes, delete them')
    .addHelpText('after', CLUSTER_EXIT_HELP);

  cluster
    .command('create <name>')
    .description(
      'Create a cluster: option 1 (default) provisioned hosts whose OS runs the template; --os-profile provisions hosts without an instance first (option 3); --os-update moves EMT hosts to a compatible image first (option 2)',
    )
    .requiredOption('--template <name:version>', 'cluster template')
    .option('--node <host[=role]>', 'a host (id or name) and its role: all, controlplane or worker (repeatable)', collect)
    .option('--os-profile <profile>', 'option 3: OS profile (name or name:version) for hosts without an instance')
    .option('--os-update', 'option 2: move provisioned EMT hosts whose K3s does not match to a compatible OS profile version first')
    .option('--delete-on-deauthorize', 'deauthorizing its last host deletes the cluster')
    .option('--label <k=v>', 'cluster label (repeatable)', collect)
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function createAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const { template, node, osProfile, osUpdate, deleteOnDeauthorize, label } = this.opts<{
          template: string;
          node?: string[];
          osProfile?: string;
          osUpdate?: boolean;
          deleteOnDeauthorize?: boolean;
          label?: string[];
        }>();
        const client = ctx.client();
        const labels = parseLabelFlags(label);
        const change = await client.post<ClusterChangeView>(client.projectPath('/clusters'), {
          name,
          template,
          nodes: parseNodeFlags(node),
          ...(osProfile ? { osProfile } : {}),
          ...(osUpdate ? { osUpdate: true } : {}),
          ...(deleteOnDeauthorize ? { deleteOnDeauthorize: true } : {}),
          ...(labels ? { labels } : {}),
        });
        ctx.print(ctx.format === 'table' ? renderChange(change) : renderOutput(ctx.format, change, [change.cluster], COLUMNS));
      }),
    );

  cluster
    .command('list')
    .description('List clusters; --watch follows phase changes until every cluster is ready, failed or deleted')
    .option('--watch', 'follow phase changes')
    .option('--interval <seconds>', 'with --watch: seconds between reads', '2')
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function listAction(this: Command) {
        const ctx = commandContext(this);
        const { watch: follow, interval } = this.opts<{ watch?: boolean; interval: string }>();
        const client = ctx.client();
        if (follow) return watch(() => readAllClusters(client), ctx.print, interval);
        const items = await readAllClusters(client);
        ctx.print(renderOutput(ctx.format, items, items, COLUMNS));
      }),
    );

  cluster
    .command('get <name>')
    .description('Show a cluster; --watch follows its phase until it is ready, failed or deleted')
    .option('--watch', 'follow phase changes')
    .option('--interval <seconds>', 'with --watch: seconds between reads', '2')
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function getAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const { watch: follow, interval } = this.opts<{ watch?: boolean; interval: string }>();
        const client = ctx.client();
        const found = await client.get<ClusterView>(clusterPath(client, name));
        if (follow) return watch(() => readCluster(client, name), ctx.print, interval);
        ctx.print(renderOutput(ctx.format, found, [found], COLUMNS));
      }),
    );

  cluster
    .command('delete <name>')
    .description('Delete a cluster: its hosts remove K3s and return to provisioned')
    .option('--force', 'remove it now without waiting for the agents (they clean up when they return)')
    .option('--deauthorize', 'deauthorize its hosts instead of returning them to provisioned')
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function deleteAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const { force, deauthorize } = this.opts<{ force?: boolean; deauthorize?: boolean }>();
        const client = ctx.client();
        await client.delete(clusterPath(client, name), {
          ...(force ? { force: true } : {}),
          ...(deauthorize ? { deauthorize: true } : {}),
        });
        ctx.print(
          force
            ? `cluster ${name} deleted`
            : `cluster ${name} deleting: its hosts remove K3s (follow with: edge-orch cluster get ${name} --watch)`,
        );
      }),
    );

  cluster
    .command('upgrade <name>')
    .description(
      "Upgrade a cluster's K3s to the version an OS profile version embeds: nodes move one at a time, servers first (follow with get --watch)",
    )
    .requiredOption(
      '--os-profile <profile>',
      'the OS profile version to move to (name:version); asking again for a stopped upgrade resumes it',
    )
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function upgradeAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const { osProfile } = this.opts<{ osProfile: string }>();
        const client = ctx.client();
        const upgraded = await client.post<ClusterView>(clusterPath(client, name, '/upgrade'), { osProfile });
        if (ctx.format !== 'table') return ctx.print(renderOutput(ctx.format, upgraded, [upgraded], COLUMNS));
        ctx.print(`${renderTable([upgraded], COLUMNS)}\n\n${describeUpgrade(upgraded)}`);
      }),
    );

  cluster
    .command('kubeconfig <name>')
    .description("Print the cluster's kubeconfig (edge operators only)")
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function kubeconfigAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        ctx.print((await client.get<string>(clusterPath(client, name, '/kubeconfig'))).trimEnd());
      }),
    );

  const nodes = cluster.command('nodes').description("Change a cluster's nodes");
  nodes
    .command('add <cluster>')
    .description("Add hosts to a cluster (role worker unless given); they must run the cluster's K3s version (embedded, or downloaded)")
    .option('--node <host[=role]>', 'a host (id or name) and its role (repeatable)', collect)
    .option('--os-profile <profile>', 'option 3: OS profile for hosts without an instance')
    .option('--os-update', 'option 2: move EMT hosts to a compatible OS profile version first')
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function addAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const { node, osProfile, osUpdate } = this.opts<{ node?: string[]; osProfile?: string; osUpdate?: boolean }>();
        const client = ctx.client();
        const change = await client.post<ClusterChangeView>(clusterPath(client, name, '/nodes'), {
          nodes: parseNodeFlags(node),
          ...(osProfile ? { osProfile } : {}),
          ...(osUpdate ? { osUpdate: true } : {}),
        });
        ctx.print(ctx.format === 'table' ? renderChange(change) : renderOutput(ctx.format, change, [change.cluster], COLUMNS));
      }),
    );
  nodes
    .command('remove <cluster> <host>')
    .description('Remove a node: its host removes K3s and returns to provisioned')
    .addHelpText('after', CLUSTER_EXIT_HELP)
    .action(
      runClusterAction(async function removeAction(this: Command, name: string, host: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        await client.delete(clusterPath(client, name, `/nodes/${encodeURIComponent(host)}`));
        ctx.print(`host ${host} leaves cluster ${name}: it removes K3s and returns to provisioned`);
      }),
    );
  return cluster;
}
