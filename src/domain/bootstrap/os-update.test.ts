import { describe, expect, it } from 'vitest';
import type { OsProfile } from '../inventory/os-profile.ts';
import { computeOsUpdateArgv, parseOsUpdateCommand } from './os-update.ts';

describe('parseOsUpdateCommand', () => {
  it('reads a JSON argv with placeholders', () => {
    expect(parseOsUpdateCommand('["/usr/bin/os-update-tool.sh","-u","{imageUrl}","-s","{imageSha256}"]', 'flag')).toEqual([
      '/usr/bin/os-update-tool.sh',
      '-u',
      '{imageUrl}',
      '-s',
      '{imageSha256}',
    ]);
  });

  it('refuses text that is not an argv, a relative command and an unknown placeholder, naming the setting', () => {
    expect(() => parseOsUpdateCommand('os-update-tool.sh -u x', 'flag')).toThrow(/flag must be a JSON array of strings/);
    expect(() => parseOsUpdateCommand('["os-update-tool.sh"]', 'flag')).toThrow(/must be an absolute path/);
    expect(() => parseOsUpdateCommand('["/bin/x","{image}"]', 'flag')).toThrow(/\{image\} is not a placeholder/);
  });
});

describe('computeOsUpdateArgv', () => {
  it('replaces placeholders inside arguments and never splits a value into more arguments', () => {
    const target = { name: 'emt', version: '3.1', imageUrl: 'https://x/a b;rm -rf /', imageSha256: 'ab' } as OsProfile;
    expect(computeOsUpdateArgv(['/bin/upd', '--url={imageUrl}', '{osProfile}:{version}', '{imageSha256}'], target)).toEqual([
      '/bin/upd',
      '--url=https://x/a b;rm -rf /',
      'emt:3.1',
      'ab',
    ]);
  });
});
