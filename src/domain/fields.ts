/**
 * Small readers for untyped documents (imported files, request bodies) that fail naming the exact field.
 * `checkX` returns the value or the problem as data; `readX` throws it as InvalidField.
 */
import { invalidField, requireParsed } from './errors.ts';
import { parsedProblems, parsedValue, type Parsed } from './problem.ts';

export type Doc = Record<string, unknown>;

export function isRecord(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function readRecord(doc: Doc, key: string, path: string): Doc {
  const value = doc[key];
  if (!isRecord(value)) throw invalidField(`${path}${key}`, `${path}${key} must be an object, got ${describe(value)}`);
  return value;
}

export function readOptionalRecord(doc: Doc, key: string, path: string): Doc | undefined {
  return doc[key] === undefined || doc[key] === null ? undefined : readRecord(doc, key, path);
}

type StringForm = { pattern?: RegExp; expected?: string };

export function checkString(doc: Doc, key: string, path: string, { pattern, expected }: StringForm = {}): Parsed<string> {
  const value = doc[key];
  const field = `${path}${key}`;
  if (typeof value !== 'string' || value.length === 0) {
    return parsedProblems({
      field,
      message: `${field} must be a non-empty string${expected ? ` (${expected})` : ''}, got ${describe(value)}`,
    });
  }
  if (pattern && !pattern.test(value)) {
    return parsedProblems({ field, message: `${field} ${JSON.stringify(value)} is not valid; expected ${expected ?? pattern.source}` });
  }
  return parsedValue(value);
}

export function readString(doc: Doc, key: string, path: string, form: StringForm = {}): string {
  return requireParsed(checkString(doc, key, path, form));
}

/** Absent, null and '' are undefined. */
export function checkOptionalString(doc: Doc, key: string, path: string, form: StringForm = {}): Parsed<string | undefined> {
  const value = doc[key];
  if (value === undefined || value === null || value === '') return parsedValue(undefined);
  return checkString(doc, key, path, form);
}

export function readOptionalString(doc: Doc, key: string, path: string, form: StringForm = {}): string | undefined {
  return requireParsed(checkOptionalString(doc, key, path, form));
}

export function readList(doc: Doc, key: string, path: string): unknown[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(`${path}${key}`, `${path}${key} must be a list, got ${describe(value)}`);
  return value;
}

/** Labels are string→string maps with Kubernetes-style keys and values; the problem names `<field>/<key>`. */
export function checkLabels(value: unknown, field: string): Parsed<Record<string, string>> {
  if (value === undefined || value === null) return parsedValue({});
  if (!isRecord(value)) return parsedProblems({ field, message: `${field} must be an object of string labels, got ${describe(value)}` });
  const labels: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!LABEL_KEY.test(key))
      return parsedProblems({
        field: `${field}/${key}`,
        message: `label key ${JSON.stringify(key)} is not valid; expected [prefix/]name of letters, digits, '-', '_', '.', at most 63 characters`,
      });
    if (typeof v !== 'string' || !LABEL_VALUE.test(v))
      return parsedProblems({
        field: `${field}/${key}`,
        message: `label ${JSON.stringify(key)} has value ${describe(v)}; expected a string of at most 63 letters, digits, '-', '_', '.'`,
      });
    labels[key] = v;
  }
  return parsedValue(labels);
}

export function readLabels(value: unknown, field: string): Record<string, string> {
  return requireParsed(checkLabels(value, field));
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(|[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** A DNS label (RFC 1123): how hosts, profiles, templates and clusters are named. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_FORM =
  'a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

/** A DNS subdomain (RFC 1123): OS profile and template names, which may carry dots (ubuntu-22.04-lts-generic). */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_SUBDOMAIN_FORM =
  'lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters';

export const SHA256 = /^[a-f0-9]{64}$/;
