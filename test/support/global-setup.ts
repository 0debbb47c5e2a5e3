/**
 * Starts one PostgreSQL for the whole run (unless EDGE_ORCH_ENGINES leaves it out or EDGE_ORCH_PG_URL names
 * one) and hands its URL to the tests through `inject('postgresUrl')`.
 */
import type { TestProject } from 'vitest/node';
import { selectedEngines } from './engine-selection.ts';
import { startPostgres, type RunningPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}

let running: RunningPostgres | null = null;

export async function setup(project: TestProject): Promise<void> {
  if (!selectedEngines().includes('postgres')) {
    project.provide('postgresUrl', null);
    return;
  }
  const given = process.env['EDGE_ORCH_PG_URL'];
  if (given) {
    project.provide('postgresUrl', given);
    return;
  }
  // No silent skip: if PostgreSQL cannot start, the run fails here and says why.
  running = await startPostgres();
  project.provide('postgresUrl', running.url);
}

export function teardown(): void {
  running?.stop();
  running = null;
}
