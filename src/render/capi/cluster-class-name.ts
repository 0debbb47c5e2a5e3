import type { TemplateRef } from '../../domain/inventory/template.ts';

/** A template version's ClusterClass (and its templates') name, as cluster-manager names it: `<name>-<version>`. */
export const clusterClassName = (template: TemplateRef): string => `${template.name}-${template.version}`;
