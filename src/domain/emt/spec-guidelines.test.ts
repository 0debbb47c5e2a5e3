import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpecGuidelines } from './spec-guidelines.ts';

// EMT's k3s SPEC header (SPECS/k3s/k3s.spec at d00395ed; see test/emt/fixtures/README.md).
const EMT_SPEC = readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'emt', 'fixtures', 'k3s-emt-header.spec'), 'utf8');

describe("the toolkit's SPEC rules", () => {
  it("accept EMT's own k3s SPEC", () => {
    expect(checkSpecGuidelines(EMT_SPEC)).toEqual([]);
  });

  it('report every rule a SPEC breaks, as the checker prints every failure', () => {
    const spec = [
      'Name: k3s',
      'Version: 1.32.4_k3s1',
      'Release: 1',
      'Vendor: edge-orch',
      'AutoReqProv: no',
      '%prep',
      '%patch0 -p1',
      '%changelog',
      '* Tue Jun 17 2025 A <a@b> - 1.32.4_k3s1-1',
      '- First version.',
      '',
    ].join('\n');
    expect(checkSpecGuidelines(spec).map((p) => p.field)).toEqual([
      'Distribution',
      'Vendor',
      '%patch',
      'Release',
      '%changelog',
      '%changelog',
    ]);
    expect(checkSpecGuidelines(spec)[1]!.message).toBe("invalid 'Vendor' tag 'edge-orch'; expected 'Vendor: Intel Corporation'");
  });
});
