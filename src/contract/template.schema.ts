/** Cluster templates on the wire; import takes the EMF TemplateInfo JSON as is. */
import { Type } from 'typebox';
import { Labels, PageQuery, ReasonSchema } from './common.schema.ts';

const Cidrs = Type.Object({ cidrBlocks: Type.Array(Type.String()) });

export const TemplateSchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  flavor: Type.Union([Type.Literal('k3s'), Type.Literal('rke2')]),
  kubernetesVersion: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  controlPlane: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  clusterNetwork: Type.Union([Type.Object({ pods: Cidrs, services: Cidrs }), Type.Null()]),
  labels: Labels,
  infraProviderType: Type.Union([Type.String(), Type.Null()]),
  unusedFields: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Fields of the imported document edge-orch does not read, given back by the TemplateInfo export',
  }),
});

/** cluster-manager's TemplateInfo (api/openapi/openapi.yaml), as POST /v2/templates takes it. */
export const TemplateInfoSchema = Type.Record(Type.String(), Type.Unknown(), {
  description:
    "The template as cluster-manager's TemplateInfo: name, version, kubernetesVersion, description, controlplaneprovidertype, infraprovidertype, clusterconfiguration, clusterNetwork, cluster-labels, and the imported fields edge-orch does not read",
});

export const CompatibilitySchema = Type.Object({
  osProfile: Type.String(),
  osProfileVersion: Type.String(),
  kubernetesVersion: Type.Optional(
    Type.String({ description: 'The exact build installed (the embedded one for a template naming vX.Y.Z)' }),
  ),
  compatible: Type.Boolean(),
  airGapped: Type.Boolean(),
  basis: Type.Optional(Type.String()),
  override: Type.Optional(ReasonSchema),
  reason: Type.Optional(ReasonSchema),
});

export const TemplateView = Type.Object({
  ...TemplateSchema.properties,
  installable: Type.Boolean({
    description: 'Whether edge-orch can install this flavor at all; an RKE2 template is kept and listed but never offered',
  }),
  installableReason: Type.Optional(ReasonSchema),
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
    compatibleWithOsProfile: Type.Optional(
      Type.String({
        description:
          'Only templates that can run on this OS profile: name:version, or a name alone for every version of it (each answer names the version)',
      }),
    ),
    explain: Type.Optional(
      Type.Boolean({ description: 'With compatibleWithOsProfile: also return excluded templates with their reasons' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const TemplateList = Type.Object({
  items: Type.Array(TemplateView, {
    description:
      'A page of limit templates; with compatibleWithOsProfile, those of them that can run on each profile version, so fewer or more',
  }),
  excluded: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        version: Type.String(),
        kubernetesVersion: Type.String(),
        osProfile: Type.String(),
        osProfileVersion: Type.String(),
        reason: ReasonSchema,
      }),
      { description: "The page's templates left out, and why, per profile version" },
    ),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const TemplateParams = Type.Object({ project: Type.String(), name: Type.String(), version: Type.String() });
