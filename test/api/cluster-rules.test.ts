/** The cluster rules' API suite on every engine (EDGE_ORCH_ENGINES picks them). */
import { describe } from 'vitest';
import { runClusterRuleCases } from '../cases/cluster-rules.cases.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('cluster rules on $name', ({ createStore }) => {
  runClusterRuleCases({ createStore });
});
