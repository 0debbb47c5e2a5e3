/** Cluster templates on the wire; import takes the EMF TemplateInfo JSON as is. */
import { Type } from 'typebox';
import { Labels, ReasonSchema } from './common.schema.ts';

const Cidrs = Type.Object({ cidrBlocks: Type.Array(Type.String()) });

export const TemplateSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  flavor: Type.Union([Type.Literal('k3s'), Type.Literal('rke2')]),
  kubernetesVersion: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  controlPlane: Type.Record(Type.String(), Type.Unknown()),
  clusterNetwork: Type.Union([Type.Object({ pods: Cidrs, services: Cidrs }), Type.Null()]),
  labels: Labels,
  infraProviderType: Type.Union([Type.String(), Type.Null()]),
});

export const CompatibilitySchema = Type.Object({
  osProfile: Type.String(),
  compatible: Type.Boolean(),
  airGapped: Type.Boolean(),
  basis: Type.Optional(Type.String()),
  override: Type.Optional(ReasonSchema),
  reason: Type.Optional(ReasonSchema),
});

export const TemplateView = Type.Object({
  ...TemplateSchema.properties,
  compatibility: Type.Optional(CompatibilitySchema),
});

/** A template in either form (EMF TemplateInfo or edge-orch's); checked by the domain parser. */
export const TemplateCreate = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'EMF TemplateInfo JSON (controlplaneprovidertype, clusterconfiguration, cluster-labels) or edge-orch form (flavor, controlPlane, labels)',
});

export const TemplateListQuery = Type.Object(
  {
    flavor: Type.Optional(Type.Union([Type.Literal('k3s'), Type.Literal('rke2')])),
    kubernetesVersion: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    compatibleWithOsProfile: Type.Optional(Type.String({ description: 'Only templates that can run on this OS profile' })),
    explain: Type.Optional(
      Type.Boolean({ description: 'With compatibleWithOsProfile: also return excluded templates with their reasons' }),
    ),
  },
  { additionalProperties: false },
);

export const TemplateList = Type.Object({
  items: Type.Array(TemplateView),
  excluded: Type.Optional(
    Type.Array(Type.Object({ name: Type.String(), version: Type.String(), kubernetesVersion: Type.String(), reason: ReasonSchema })),
  ),
});

export const TemplateParams = Type.Object({ project: Type.String(), name: Type.String(), version: Type.String() });
