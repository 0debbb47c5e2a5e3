/** Mixed OS profiles and rolling cluster upgrades on every engine (EDGE_ORCH_ENGINES picks them). */
import { describe } from 'vitest';
import { runClusterUpgradeCases } from '../cases/cluster-upgrade.cases.ts';
import { engines } from '../support/engines.ts';

describe.each(engines)('cluster upgrades on $name', ({ createStore }) => {
  runClusterUpgradeCases({ createStore });
});
