/**
 * The real files from ../shared/formats, read as they are (never edited). The suite reads the byte-identical copy
 * committed under test/formats/shared, so it runs on a checkout without ../shared; formats-copy.test.ts checks the
 * copy against ../shared/formats wherever that exists.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FORMATS_DIR = resolve(import.meta.dirname, '../formats/shared');
export const SHARED_FORMATS_DIR = resolve(import.meta.dirname, '../../../shared/formats');

export const readFormat = (relative: string): string => readFileSync(join(FORMATS_DIR, relative), 'utf8');

export const templateFiles = (): string[] =>
  readdirSync(join(FORMATS_DIR, 'templates'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => `templates/${f}`);

export const osProfileFiles = (): string[] => readdirSync(join(FORMATS_DIR, 'os-profiles')).map((f) => `os-profiles/${f}`);

/** Files taken from open-edge-platform/cluster-manager (default templates, the TemplateInfo schema); see the README there. */
export const CLUSTER_MANAGER_DIR = resolve(import.meta.dirname, '../formats/cluster-manager');
export const readClusterManagerFile = (file: string): string => readFileSync(join(CLUSTER_MANAGER_DIR, file), 'utf8');
export const clusterManagerTemplateFiles = (): string[] => readdirSync(CLUSTER_MANAGER_DIR).filter((f) => f.endsWith('-k3s.json'));
