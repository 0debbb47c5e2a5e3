/**
 * RPM's version order (rpmvercmp), which dnf applies when it picks a package: alphanumeric segments compared
 * numerically or lexically, other characters only separate, `~` sorts before anything (pre-releases) and `^`
 * after the end (post-releases). `1.32.4+k3s1` < `1.32.10+k3s1`.
 */
export function compareRpmVersions(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !/[A-Za-z0-9~^]/.test(a[i]!)) i++;
    while (j < b.length && !/[A-Za-z0-9~^]/.test(b[j]!)) j++;
    for (const mark of ['~', '^']) {
      const ma = a[i] === mark;
      const mb = b[j] === mark;
      if (ma || mb) {
        if (!mb) return mark === '~' ? -1 : j >= b.length ? 1 : -1;
        if (!ma) return mark === '~' ? 1 : i >= a.length ? -1 : 1;
        i++;
        j++;
      }
    }
    if (a[i] === '~' || b[j] === '~' || a[i] === '^' || b[j] === '^') continue;
    if (i >= a.length || j >= b.length) return i >= a.length && j >= b.length ? 0 : i >= a.length ? -1 : 1;
    const numeric = /[0-9]/.test(a[i]!);
    const segment = numeric ? /^[0-9]+/ : /^[A-Za-z]+/;
    const sa = segment.exec(a.slice(i))?.[0] ?? '';
    const sb = segment.exec(b.slice(j))?.[0] ?? '';
    // A numeric segment is newer than an alphabetic one.
    if (sb === '') return numeric ? 1 : -1;
    i += sa.length;
    j += sb.length;
    const order = numeric ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (order !== 0) return order;
  }
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
}
