/** OS profiles on the wire. The body is validated for shape here and for meaning by the domain parser. */
import { Type } from 'typebox';

const AirgapImage = Type.Object({ path: Type.String(), sha256: Type.String() });

export const EmbeddedKubernetesSchema = Type.Object({
  flavor: Type.Union([Type.Literal('k3s'), Type.Literal('rke2')]),
  version: Type.String({ description: 'Exact upstream version, e.g. v1.32.4+k3s1' }),
  binaryPath: Type.String(),
  installScriptPath: Type.String(),
  airgapImages: Type.Array(AirgapImage),
  package: Type.Optional(Type.Object({ name: Type.String(), version: Type.String(), release: Type.String() })),
});

export const OsProfileSchema = Type.Object({
  name: Type.String(),
  displayName: Type.String(),
  version: Type.String(),
  osType: Type.Union([Type.Literal('immutable'), Type.Literal('mutable')]),
  architecture: Type.String(),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
  imageSha256: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  packages: Type.Array(Type.Object({ Name: Type.String(), Version: Type.String(), Architecture: Type.String() })),
  kubernetes: Type.Union([EmbeddedKubernetesSchema, Type.Null()]),
  source: Type.Union([Type.Literal('manifest'), Type.Literal('infra-core'), Type.Literal('api')]),
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
  },
  { additionalProperties: false },
);

export const OsProfileImport = Type.Object(
  {
    document: Type.String({
      description: 'The file as text: image manifest.json, infra-core OS profile YAML, or edge-orch JSON',
      maxLength: 10_000_000,
    }),
    name: Type.Optional(Type.String({ description: 'Profile name, overriding the one in the document' })),
  },
  { additionalProperties: false },
);

export const OsProfileParams = Type.Object({ project: Type.String(), name: Type.String() });
export const OsProfileList = Type.Object({ items: Type.Array(OsProfileSchema) });
