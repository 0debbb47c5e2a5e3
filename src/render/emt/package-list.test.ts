import { describe, expect, it } from 'vitest';
import { renderPackageList } from './package-list.ts';
import { renderSignatures } from './signatures.ts';

describe('EMT toolkit JSON files', () => {
  it('renders a package list with four-space indent and a final newline', () => {
    expect(renderPackageList(['k3s', 'k3s-selinux'])).toBe('{\n    "packages": [\n        "k3s",\n        "k3s-selinux"\n    ]\n}\n');
  });

  it('renders a signatures file in source order', () => {
    expect(renderSignatures({ k3s: 'a'.repeat(64), 'install.sh': 'b'.repeat(64) })).toBe(
      `{\n    "Signatures": {\n        "k3s": "${'a'.repeat(64)}",\n        "install.sh": "${'b'.repeat(64)}"\n    }\n}\n`,
    );
  });
});
