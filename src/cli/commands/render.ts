/**
 * `edge-orch cluster render NAME` and `edge-orch template render NAME:VERSION`: the Cluster API objects the
 * server's capi driver applies, as the server renders them. `-o yaml` (and the default) prints a multi-document
 * YAML stream kubectl applies; `-o json` a v1 List.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { parseTemplateRef } from '../../domain/inventory/template.ts';
import type { KubeObject } from '../../render/capi/kube-object.ts';
import { commandContext, runAction, type CommandContext } from '../command-context.ts';
import { renderOutput } from '../output/output.ts';

export function addClusterRenderCommand(cluster: Command): void {
  cluster
    .command('render <name>')
    .description("Print the Cluster API objects of a cluster (its template's ClusterClass and templates, then its Cluster)")
    .action(
      runAction(async function renderClusterAction(this: Command, name: string) {
        const ctx = commandContext(this);
        const client = ctx.client();
        printObjects(ctx, await client.get<{ items: KubeObject[] }>(client.projectPath(`/clusters/${encodeURIComponent(name)}/capi`)));
      }),
    );
}

export function addTemplateRenderCommand(template: Command): void {
  template
    .command('render <ref>')
    .description('Print the Cluster API objects of a template version (name:version): its ClusterClass and templates')
    .action(
      runAction(async function renderTemplateAction(this: Command, ref: string) {
        const ctx = commandContext(this);
        const { name, version } = parseTemplateRef(ref, 'template');
        const client = ctx.client();
        const path = `/templates/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/capi`;
        printObjects(ctx, await client.get<{ items: KubeObject[] }>(client.projectPath(path)));
      }),
    );
}

function printObjects(ctx: CommandContext, { items }: { items: KubeObject[] }): void {
  if (ctx.format === 'json') ctx.print(renderOutput('json', { apiVersion: 'v1', kind: 'List', items }, [], []));
  else ctx.print(items.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd()).join('\n---\n'));
}
