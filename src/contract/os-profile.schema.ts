/** OS profiles on the wire. The body is validated for shape here and for meaning by the domain parser. */
import { Type } from 'typebox';
import { PageQuery } from './common.schema.ts';

const AirgapImage = Type.Object({ path: Type.String(), sha256: Type.String() });

export const EmbeddedKubernetesSchema = Type.Object({
  flavor: Type.Union([Type.Literal('k3s'), Type.Literal('rke2')]),
  version: Type.String({ description: 'Exact upstream version, e.g. v1.32.4+k3s1' }),
  binaryPath: Type.String(),
  installScriptPath: Type.String(),
  airgapImages: Type.Array(AirgapImage),
  package: Type.Optional(Type.Object({ name: Type.String(), version: Type.String(), release: Type.String() })),
});

const SecurityFeature = Type.Union([
  Type.Literal('SECURITY_FEATURE_UNSPECIFIED'),
  Type.Literal('SECURITY_FEATURE_NONE'),
  Type.Literal('SECURITY_FEATURE_SECURE_BOOT_AND_FULL_DISK_ENCRYPTION'),
]);

export const OsProfileSchema = Type.Object({
  name: Type.String(),
  displayName: Type.String({ description: "Human name (infra-core's spec.name), as EMF's bulk-import CSV names a profile" }),
  version: Type.String({ description: 'Image version; name and version identify a profile' }),
  resourceId: Type.Union([Type.String(), Type.Null()], {
    description: "EMF's OS resource id (os-1a2b3c4d): kept from the document, or assigned when it is stored",
  }),
  osType: Type.Union([Type.Literal('immutable'), Type.Literal('mutable')]),
  architecture: Type.String(),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
  imageSha256: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  packages: Type.Array(Type.Object({ Name: Type.String(), Version: Type.String(), Architecture: Type.String() })),
  kubernetes: Type.Union([EmbeddedKubernetesSchema, Type.Null()]),
  source: Type.Union([Type.Literal('manifest'), Type.Literal('infra-core'), Type.Literal('api')]),
  securityFeature: Type.Union([SecurityFeature, Type.Null()]),
  provider: Type.Union([Type.String(), Type.Null()]),
  platformBundle: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  unusedFields: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Fields of the imported document edge-orch does not read (osPackageManifestURL, metadata, …)',
  }),
});

/** Create: the same fields; optional ones may be left out. Deep rules are checked by parseOsProfile. */
export const OsProfileCreate = Type.Object(
  {
    name: Type.String(),
    displayName: Type.Optional(Type.String()),
    version: Type.String(),
    osType: Type.String(),
    architecture: Type.String(),
    imageUrl: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    imageSha256: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    description: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    packages: Type.Optional(Type.Array(Type.Unknown())),
    kubernetes: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
    resourceId: Type.Optional(Type.String()),
    securityFeature: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    provider: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    platformBundle: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
    unusedFields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const OsProfileImport = Type.Object(
  {
    document: Type.String({
      description: 'The file as text: image manifest.json, infra-core OS profile YAML, or edge-orch JSON',
      maxLength: 10_000_000,
    }),
    name: Type.Optional(Type.String({ description: 'Profile name, overriding the one in the document (every format)' })),
  },
  { additionalProperties: false },
);

export const OsProfileParams = Type.Object({ project: Type.String(), name: Type.String() });
export const OsProfileVersionParams = Type.Object({ project: Type.String(), name: Type.String(), version: Type.String() });
export const OsProfileListQuery = Type.Object(
  { name: Type.Optional(Type.String({ description: 'Only the versions of this profile name' })), ...PageQuery },
  { additionalProperties: false },
);
export const OsProfileList = Type.Object({ items: Type.Array(OsProfileSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
