/** An EMT toolkit package list (`packagelists/<name>.json`), indented with four spaces like the toolkit's own. */
export function renderPackageList(packages: readonly string[]): string {
  return `${JSON.stringify({ packages }, null, 4)}\n`;
}
