/** The audit log on the wire: one event per change asked of the API, newest first. */
import { Type } from 'typebox';
import { PageQuery } from './common.schema.ts';

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  at: Type.String({ description: 'When the answer was given (ISO 8601)' }),
  actor: Type.Object({
    kind: Type.Union([Type.Literal('api-token'), Type.Literal('enrollment-token')]),
    tokenId: Type.Union([Type.String(), Type.Null()]),
    tokenName: Type.Union([Type.String(), Type.Null()]),
    role: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String({ description: 'METHOD and route, for example "POST /hosts/:host/deauthorize"' }),
  target: Type.Record(Type.String(), Type.String(), { description: 'The route parameters, and `created` for a created resource' }),
  status: Type.Integer({ description: 'HTTP status of the answer' }),
  outcome: Type.String({ description: '"succeeded", or the error code of the problem answered' }),
  requestId: Type.String(),
});

export const AuditList = Type.Object({ items: Type.Array(AuditEventSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only events of the token with this name or id' })),
    action: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Only events whose action contains this text, for example "approve" or "DELETE"',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
