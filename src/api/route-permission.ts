/** What the OpenAPI document says about who may call a route: `x-permission` for programs, a sentence for people. */
import type { FastifySchema } from 'fastify';
import type { RoutePermission } from './plugins/auth.ts';

function permissionSentence(permission: RoutePermission): string {
  if (permission === 'public') return 'Needs no credential.';
  if (permission === 'agent') return 'Needs the host credential the agent got at enrollment.';
  return `Needs an API token whose role has the \`${permission}\` permission.`;
}

export function describePermission(schema: FastifySchema, permission: RoutePermission | undefined): FastifySchema {
  if (permission === undefined) return schema;
  const { description } = schema as { description?: string };
  const sentence = permissionSentence(permission);
  return { ...schema, 'x-permission': permission, description: description ? `${description} ${sentence}` : sentence } as FastifySchema;
}
