/**
 * The failed hosts of a registration as an EMF bulk-import CSV, so they can be fixed and imported again: the
 * cells as the user wrote them when the file is known (the rows read at submit time), else what the job knows
 * of the host; the last column says which step failed and why (it is ignored on import).
 */
import { ERROR_COLUMN, HOST_CSV_COLUMNS } from '../../src/contract/ui-vocabulary.ts';
import type { RegistrationHost } from './api/client.ts';

const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

export function renderFailedRowsCsv(hosts: readonly RegistrationHost[], cellsByIndex: ReadonlyMap<number, Record<string, string>>): string {
  const lines = [HOST_CSV_COLUMNS.join(',')];
  for (const host of hosts) {
    if (host.status !== 'failed') continue;
    const step = host.steps.find((s) => s.status === 'failed');
    const error = `${host.failedStep ?? 'unknown'}: ${step?.reason?.message ?? 'failed'}`;
    const cells = cellsByIndex.get(host.index) ?? {
      Serial: host.serial ?? '',
      UUID: host.uuid ?? '',
      OSProfile: host.osProfile ?? '',
      K8sEnable: host.cluster ? 'true' : '',
      K8sClusterTemplate: host.template ?? '',
      K8sConfig: host.cluster ? `role:all;name:${host.cluster}` : '',
    };
    lines.push(HOST_CSV_COLUMNS.map((column) => quote(column === ERROR_COLUMN ? error : (cells[column] ?? ''))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The rows a job was made from, by host index, kept for this tab so the failed rows keep the user's cells. */
export const submittedRows = {
  save(jobId: string, cells: Record<string, string>[]): void {
    try {
      sessionStorage.setItem(`edge-orch.rows.${jobId}`, JSON.stringify(cells));
    } catch {
      // Too big for sessionStorage: the failed rows are then written from what the job knows.
    }
  },
  load(jobId: string): Map<number, Record<string, string>> {
    const text = sessionStorage.getItem(`edge-orch.rows.${jobId}`);
    const cells = text ? (JSON.parse(text) as Record<string, string>[]) : [];
    return new Map(cells.map((c, i) => [i, c]));
  },
};

/** Offers `text` as a file download. */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
