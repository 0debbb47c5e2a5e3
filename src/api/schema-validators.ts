/**
 * Request validation with two Ajv instances: path, query and headers arrive as text, so their values are
 * coerced to the schema's types ("5" → 5, one value → a list); a JSON body is validated as sent, so
 * `{"name":["x"]}` or `{"name":null}` is refused instead of being turned into "x" or "".
 */
import { Ajv, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function createAjv(coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, addUsedSchema: false });
  // A CommonJS module: its `default` is the plugin itself.
  ajvFormats.default(ajv);
  return ajv;
}

export function createSchemaValidators(): FastifySchemaCompiler<unknown> {
  const bodies = createAjv(false);
  const text = createAjv('array');
  return function compileValidator({ schema, httpPart }) {
    return (httpPart === 'body' ? bodies : text).compile(schema as object);
  };
}
