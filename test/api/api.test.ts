/** The API suite on every engine (EDGE_ORCH_ENGINES picks them). */
import { describe } from 'vitest';
import { runApiCases } from '../cases/api.cases.ts';
import { runCatalogPagingCases } from '../cases/catalog-paging.cases.ts';
import { runClusterLifecycleCases } from '../cases/cluster-lifecycle.cases.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('API on $name', ({ createStore }) => {
  runApiCases({ createStore });
});

describe.each(engines)('catalog paging on $name', ({ createStore }) => {
  runCatalogPagingCases({ createStore });
});

describe.each(engines)('cluster lifecycle on $name', ({ createStore }) => {
  runClusterLifecycleCases({ createStore });
});
