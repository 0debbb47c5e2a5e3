/** A CA certificate file given on the command line (--ca-file, EDGE_ORCH_CA_FILE), checked to hold PEM. */
import { readFileSync } from 'node:fs';
import { AppError } from '../domain/errors.ts';

export function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AppError('InvalidField', `the CA file ${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? cause})`, {
      field: 'caFile',
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new AppError('InvalidField', `the CA file ${file} holds no PEM certificate`, { field: 'caFile' });
  return text;
}
