/** The real files from ../shared/formats, read as they are (never edited). */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FORMATS_DIR = resolve(import.meta.dirname, '../../../shared/formats');

export const readFormat = (relative: string): string => readFileSync(join(FORMATS_DIR, relative), 'utf8');

export const templateFiles = (): string[] => readdirSync(join(FORMATS_DIR, 'templates')).filter((f) => f.endsWith('.json')).map((f) => `templates/${f}`);

export const osProfileFiles = (): string[] => readdirSync(join(FORMATS_DIR, 'os-profiles')).map((f) => `os-profiles/${f}`);
