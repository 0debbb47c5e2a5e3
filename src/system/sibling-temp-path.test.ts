import { describe, expect, it } from 'vitest';
import { siblingTempPath } from './sibling-temp-path.ts';

describe('siblingTempPath', () => {
  it('names a hidden, random file in the same directory as the target', () => {
    expect(siblingTempPath('/var/lib/x/config.yaml')).toMatch(/^\/var\/lib\/x\/\.config\.yaml\.tmp-[0-9a-f]{8}$/);
    expect(siblingTempPath('/a/b')).not.toBe(siblingTempPath('/a/b'));
  });
});
