/** EDGE_ORCH_ENGINES=sqlite,postgres (the default: both) picks the engines the engine suites run on. */
export type EngineName = 'sqlite' | 'postgres';

export function selectedEngines(env: NodeJS.ProcessEnv = process.env): EngineName[] {
  const text = env['EDGE_ORCH_ENGINES'] ?? 'sqlite,postgres';
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (name !== 'sqlite' && name !== 'postgres')
      throw new Error(`EDGE_ORCH_ENGINES has ${JSON.stringify(name)}; expected sqlite and/or postgres`);
  }
  return names as EngineName[];
}
