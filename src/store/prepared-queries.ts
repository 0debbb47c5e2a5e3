/**
 * Hot queries compiled once per shape. Kysely builds and compiles a query's SQL on every call, which costs as much
 * as running a short indexed lookup; a query run here is built once per shape with a marker in place of each
 * value, compiled, and from then on run with the call's values put where the markers were. The engines then
 * reuse the statement by its text (engines/sqlite-statement-cache.ts).
 *
 * `build` must only hand its values to the query (no arithmetic, no text built from them): it is called with
 * markers, not values. A query whose clauses differ with the call (a filter given or not) names each variant by
 * its own shape.
 */
import type { CompiledQuery, Compilable, Kysely } from 'kysely';

/** Runs the query `build` makes for `shape` with `values`; resolves with its rows. */
export type PreparedQueries = <Values extends Record<string, unknown>, Row>(
  shape: string,
  build: (values: Values) => Compilable<Row>,
  values: Values,
) => Promise<Row[]>;

const MARKER = '\u0000edge-orch-value:';

interface Prepared {
  query: CompiledQuery;
  /** For each parameter of the compiled query: the name of the value it takes, or the constant it keeps. */
  slots: ({ name: string } | { constant: unknown })[];
}

function prepare(build: (values: Record<string, unknown>) => Compilable<unknown>): Prepared {
  const markers = new Proxy({}, { get: (_, name) => `${MARKER}${String(name)}` }) as Record<string, unknown>;
  const query = build(markers).compile();
  const slots = query.parameters.map((p) =>
    typeof p === 'string' && p.startsWith(MARKER) ? { name: p.slice(MARKER.length) } : { constant: p },
  );
  return { query, slots };
}

export function createPreparedQueries<Tables>(db: Kysely<Tables>): PreparedQueries {
  const prepared = new Map<string, Prepared>();
  return async function run<Values extends Record<string, unknown>, Row>(
    shape: string,
    build: (values: Values) => Compilable<Row>,
    values: Values,
  ): Promise<Row[]> {
    let entry = prepared.get(shape);
    if (!entry) {
      entry = prepare(build as (values: Record<string, unknown>) => Compilable<unknown>);
      prepared.set(shape, entry);
    }
    const parameters = entry.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.constant));
    const { rows } = await db.executeQuery({ ...entry.query, parameters } as CompiledQuery<Row>);
    return rows;
  };
}
