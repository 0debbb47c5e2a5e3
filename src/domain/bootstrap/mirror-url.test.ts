import { expectAppError } from '../../../test/support/expect-app-error.ts';
import { describe, expect, it } from 'vitest';
import { parseMirrorUrl } from './mirror-url.ts';

describe('parseMirrorUrl', () => {
  it('takes an http(s) base URL and drops trailing slashes', () => {
    expect(parseMirrorUrl('http://10.0.0.1:8080/mirror/')).toBe('http://10.0.0.1:8080/mirror');
    expect(parseMirrorUrl('https://mirror.example/k')).toBe('https://mirror.example/k');
    expect(parseMirrorUrl('http://[fd00::1]:8080/m//')).toBe('http://[fd00::1]:8080/m');
  });

  it.each([
    'ftp://mirror',
    'http://user:pw@x/',
    'http://x/$(id)',
    'http://m/`id`',
    'http://m/a;b',
    'http://m/?a=1',
    'http://m/#f',
    'not a url',
  ])('refuses %j, naming mirrorUrl', (text) => {
    const error = expectAppError(() => parseMirrorUrl(text));
    expect(error.field).toBe('mirrorUrl');
    expect(error.detail).toBe(
      `mirror URL ${JSON.stringify(text)} must be an http(s) URL without credentials, query, fragment or shell characters, for example http://10.0.0.1:8080/mirror`,
    );
  });

  it('says where the URL was given', () => {
    expect(expectAppError(() => parseMirrorUrl('http://m/a b', '--mirror-url')).detail).toMatch(
      /^mirror URL "http:\/\/m\/a b" \(--mirror-url\) must be/,
    );
  });
});
