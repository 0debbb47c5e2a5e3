/** API tokens: bound to one project and one role; the secret is shown once, at creation. */
import { Type } from 'typebox';
import { ROLES } from '../domain/roles.ts';
import { ExpiresAt } from './agent.schema.ts';
import { literalUnion, PageQuery } from './common.schema.ts';

export const RoleSchema = literalUnion(ROLES);

export const TokenSchema = Type.Object({
  id: Type.String(),
  project: Type.String(),
  role: RoleSchema,
  name: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()], { description: 'Null: it works until revoked' }),
});

export const TokenCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleSchema, expiresAt: Type.Optional(ExpiresAt) },
  { additionalProperties: false },
);

export const TokenCreated = Type.Object({ ...TokenSchema.properties, token: Type.String({ description: 'The secret; shown only now' }) });
export const TokenList = Type.Object({ items: Type.Array(TokenSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export const TokenListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const TokenParams = Type.Object({ project: Type.String(), id: Type.String() });
