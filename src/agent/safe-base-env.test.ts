import { describe, expect, it } from 'vitest';
import { SAFE_PATH, safeBaseEnv } from './safe-base-env.ts';

describe('safeBaseEnv', () => {
  it("keeps only a fixed PATH, HOME, LANG and proxy settings from the agent's environment", () => {
    expect(safeBaseEnv({ PATH: '/evil', AGENT_TOKEN: 'secret', https_proxy: 'http://proxy:3128', NO_PROXY: '10.0.0.0/8' })).toEqual({
      PATH: SAFE_PATH,
      HOME: '/root',
      LANG: 'C.UTF-8',
      https_proxy: 'http://proxy:3128',
      NO_PROXY: '10.0.0.0/8',
    });
  });
});
