/** The store suite on every engine (EDGE_ORCH_ENGINES picks them). */
import { describe } from 'vitest';
import { runJobStoreCases } from '../cases/job-store.cases.ts';
import { runStoreCases } from '../cases/store.cases.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('store on $name', (engine) => {
  runStoreCases(engine);
  runJobStoreCases(engine);
});
