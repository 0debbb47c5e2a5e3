import { describe, expect, it } from 'vitest';
import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { inferImageConfigArch, matchesGlob, selectImageConfigs, selectSystemConfigs } from './image-config-selection.ts';

const FILES = ['core-container.json', 'edge-image-rt.json', 'edge-image.json', 'full-aarch64.json', 'full.json'];
const FULL = [
  { index: 0, name: 'RT Kernel + Docker + K3s' },
  { index: 1, name: 'Standard Kernel + Docker + K3s' },
  { index: 2, name: 'RT Kernel' },
  { index: 3, name: 'Standard Kernel' },
];

describe('choosing image configs', () => {
  it('matches names and globs with * and ?, and nothing else', () => {
    expect(matchesGlob('edge-image*.json', 'edge-image-rt.json')).toBe(true);
    expect(matchesGlob('* + K3s', 'RT Kernel + Docker + K3s')).toBe(true);
    expect(matchesGlob('* + K3s', 'RT Kernel')).toBe(false);
    expect(matchesGlob('full.json', 'fullxjson')).toBe(false);
  });

  it('selects the files named, and fails on a pattern that selects none', () => {
    expect(selectImageConfigs(['edge-image*.json', 'full.json'], FILES)).toEqual(['edge-image-rt.json', 'edge-image.json', 'full.json']);
    expect(expectAppError(() => selectImageConfigs(['edge.json'], FILES)).detail).toBe(
      `--config "edge.json" matches no image config; the directory has ${FILES.join(', ')}`,
    );
    expect(expectAppError(() => selectImageConfigs([], FILES)).field).toBe('--config');
  });

  it('tells aarch64 configs by their name or their aarch64 package lists', () => {
    expect(inferImageConfigArch('full-aarch64.json', [])).toBe('aarch64');
    expect(inferImageConfigArch('custom.json', ['packagelists/core-packages-image-aarch64.json'])).toBe('aarch64');
    expect(inferImageConfigArch('edge-image.json', ['packagelists/core-packages-image-systemd-boot.json'])).toBe('x86_64');
  });

  it('needs the SystemConfigs of a multi-config file named, and fails when the names miss', () => {
    expect(selectSystemConfigs('full.json', FULL, ['* + K3s'])).toEqual([0, 1]);
    expect(selectSystemConfigs('edge-image.json', [{ index: 0, name: 'Standard' }], [])).toEqual([0]);
    expect(expectAppError(() => selectSystemConfigs('full.json', FULL, [])).detail).toBe(
      'full.json has 4 SystemConfigs with package lists ("RT Kernel + Docker + K3s", "Standard Kernel + Docker + K3s", "RT Kernel", "Standard Kernel"); choose with --system-config NAME (globs allowed)',
    );
    expect(expectAppError(() => selectSystemConfigs('edge-image.json', [{ index: 0, name: 'Standard' }], ['* + K3s'])).detail).toBe(
      '--system-config "* + K3s" matches no SystemConfig of edge-image.json ("Standard")',
    );
  });
});
