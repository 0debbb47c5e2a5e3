/**
 * The OS update command a host runs to move to another version of its OS profile (option 2): the argv the server
 * is configured with, each `{imageUrl}`, `{imageSha256}`, `{version}` and `{osProfile}` in an argument replaced by
 * the target's value. The argv is run without a shell, so a value can never become a command.
 */
import { invalidField } from '../errors.ts';
import type { OsProfile } from '../inventory/os-profile.ts';

export const OS_UPDATE_PLACEHOLDERS = ['imageUrl', 'imageSha256', 'version', 'osProfile'] as const;

/** Checks a configured command: a JSON array of strings, the first an absolute path, only known placeholders. */
export function parseOsUpdateCommand(text: string, givenBy: string): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    argv = null;
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
    throw invalidField(
      'osUpdateCommand',
      `${givenBy} must be a JSON array of strings (the command's argv), for example ["/usr/bin/os-update-tool.sh","-u","{imageUrl}","-s","{imageSha256}"]`,
    );
  if (!argv[0]!.startsWith('/'))
    throw invalidField('osUpdateCommand', `${givenBy}: the command ${JSON.stringify(argv[0])} must be an absolute path`);
  for (const arg of argv as string[]) {
    for (const [, name] of arg.matchAll(/\{([^}]*)\}/g)) {
      if (!(OS_UPDATE_PLACEHOLDERS as readonly string[]).includes(name!))
        throw invalidField(
          'osUpdateCommand',
          `${givenBy}: {${name}} is not a placeholder; expected one of ${OS_UPDATE_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
        );
    }
  }
  return argv as string[];
}

/** The argv for moving to `target`. */
export function computeOsUpdateArgv(command: readonly string[], target: OsProfile): string[] {
  const values: Record<(typeof OS_UPDATE_PLACEHOLDERS)[number], string> = {
    imageUrl: target.imageUrl ?? '',
    imageSha256: target.imageSha256 ?? '',
    version: target.version,
    osProfile: target.name,
  };
  return command.map((arg) => arg.replace(/\{(imageUrl|imageSha256|version|osProfile)\}/g, (_, name: keyof typeof values) => values[name]));
}
