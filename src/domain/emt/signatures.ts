/**
 * The EMT toolkit's signatures file (`SPECS/<name>/<name>.signatures.json`): the sha256 of every source a SPEC
 * names, `{"Signatures": {"<file name>": "<sha256>"}}`. A build checks every source against it before rpmbuild.
 */
import { AppError, invalidField } from '../errors.ts';
import { SHA256, describe, isRecord } from '../fields.ts';

/** Source file name → sha256, in the file's order. */
export type Signatures = Record<string, string>;

/** Reads a parsed signatures document; `file` names it in errors. */
export function parseSignatures(doc: unknown, file: string): Signatures {
  if (!isRecord(doc) || !isRecord(doc['Signatures'])) {
    throw invalidField(
      'Signatures',
      `${file}: Signatures must be an object of file name → sha256, got ${describe(isRecord(doc) ? doc['Signatures'] : doc)}`,
    );
  }
  const result: Signatures = {};
  for (const [name, sha] of Object.entries(doc['Signatures'])) {
    if (typeof sha !== 'string' || !SHA256.test(sha)) {
      throw invalidField(
        `Signatures/${name}`,
        `${file}: Signatures/${name} must be a sha256 (64 lowercase hex digits), got ${describe(sha)}`,
      );
    }
    result[name] = sha;
  }
  return result;
}

export interface SourceCheckInput {
  signatures: Signatures;
  signaturesFile: string;
  /** The source names the SPEC declares (`SourceN:`); each must have a signature. */
  specSources: readonly string[];
  specFile: string;
  /** The sha256 of each signed source as found in the sources directory; null when the file is missing. */
  actual: Readonly<Record<string, string | null>>;
  sourcesDir: string;
}

/**
 * Fails on the first problem, in the SPEC's then the signatures' order: a SPEC source without a signature, a
 * missing source file, or a source whose sha256 differs (naming the file, the expected and the actual sha256).
 */
export function checkSources({ signatures, signaturesFile, specSources, specFile, actual, sourcesDir }: SourceCheckInput): void {
  for (const name of specSources) {
    if (!(name in signatures))
      throw invalidField(
        `Signatures/${name}`,
        `${specFile} names source ${name}, but ${signaturesFile} has no sha256 for it; write the SPEC again with edge-orch emt spec --sources DIR`,
      );
  }
  for (const [name, expected] of Object.entries(signatures)) {
    const found = actual[name];
    if (found === null || found === undefined) {
      throw invalidField(`sources/${name}`, `source ${name} is missing from ${sourcesDir} (${signaturesFile} lists it); nothing was built`);
    }
    if (found !== expected) {
      throw new AppError(
        'SourceChecksumMismatch',
        `source ${name} in ${sourcesDir} has sha256 ${found}, expected ${expected} (from ${signaturesFile}); nothing was built`,
        {
          field: `sources/${name}`,
          extra: { file: name, expected, actual: found },
        },
      );
    }
  }
}
