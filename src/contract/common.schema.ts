/** Shared TypeBox pieces of the REST contract: problem documents, labels, pagination, path params. */
import { Type, type Static, type TLiteral, type TUnion } from 'typebox';

/** A union of string literals built from one of the domain's lists, so the wire contract cannot drift from it. */
export function literalUnion<T extends string>(values: readonly T[], options: { description?: string } = {}): TUnion<[TLiteral<T>]> {
  // One literal type over the whole union keeps Static<> equal to the domain's union type.
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as unknown as TUnion<[TLiteral<T>]>;
}

export const Labels = Type.Record(Type.String(), Type.String(), { description: 'Kubernetes-style labels' });

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'Stable URI per error code; see docs/errors.md' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'The offending field' })),
    reason: Type.Optional(Type.String({ description: 'Machine-readable reason code' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          message: Type.String(),
          host: Type.Optional(Type.Integer({ minimum: 0, description: "A registration host's index in the request's hosts" })),
        }),
      ),
    ),
  },
  { additionalProperties: true, description: 'RFC 9457 problem document' },
);

export const ProjectParams = Type.Object({
  project: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', description: 'Project name' }),
});

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const ReasonSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** Error responses every protected route can give. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries([400, 401, 403, ...statuses].map((s) => [s, { ...Problem, description: 'Problem document' }]));

export type ProjectParamsT = Static<typeof ProjectParams>;
