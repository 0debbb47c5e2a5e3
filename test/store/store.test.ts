/**
 * The store suite on every engine (EDGE_ORCH_ENGINES picks them): one database per engine, which the cases open
 * as many stores as they need (replicas share it).
 */
import { beforeAll, describe } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreConfig } from '../../src/store/store-config.ts';
import { runJobStoreCases } from '../cases/job-store.cases.ts';
import { runStoreCases } from '../cases/store.cases.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('store on $name', (engine) => {
  let config: StoreConfig;
  beforeAll(async () => {
    config = await engine.createConfig();
  });
  const createStore = () => openStore(config);
  runStoreCases({ createStore });
  runJobStoreCases({ engine: engine.name, createStore });
});
