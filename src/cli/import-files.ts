/** Imports several files one by one: each is reported, and a failure does not stop the rest (exit code 1). */
import { reportError } from './command-context.ts';

export async function importEachFile(
  files: readonly string[],
  importOne: (file: string) => Promise<string>,
  print: (line: string) => void,
): Promise<void> {
  let failed = 0;
  for (const file of files) {
    try {
      print(await importOne(file));
    } catch (error) {
      failed++;
      process.stderr.write(`${file}: `);
      reportError(error);
    }
  }
  if (failed > 0) process.exitCode = 1;
}
