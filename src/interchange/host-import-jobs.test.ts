import { describe, expect, it } from 'vitest';
import { parseHostCsv } from './host-csv.ts';
import { HOST_CSV_COLUMNS } from './host-csv-format.ts';
import { computeHostImportJobs, formatRefusedHosts, type HostImportJob } from './host-import-jobs.ts';

const NO_FLAGS = { osProfile: null, template: null, autoProvision: false, autoCluster: false, atomic: false, profiles: [] };

/** The single job of a file whose rows are the given serials, one per line after `blank` empty lines. */
async function jobOf(serials: string[], blank = 0): Promise<HostImportJob> {
  const text = [HOST_CSV_COLUMNS.join(','), ...Array<string>(blank).fill(''), ...serials.map((s) => `${s},,,,,,,,,,,,`)].join('\n');
  const { rows, errors } = await parseHostCsv(text);
  expect(errors).toEqual([]);
  const { jobs } = computeHostImportJobs(rows, NO_FLAGS, 50_000);
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

describe('formatRefusedHosts', async () => {
  it("puts each refused host on its CSV line through the host's index in the job, never through the field's text", async () => {
    const job = await jobOf(['A', 'B', 'C'], 2);
    expect(
      formatRefusedHosts(job, [
        { field: 'hosts/2/serial', message: 'hosts/2/serial "C" is taken', host: 2 },
        // The index decides, even where the field would say otherwise.
        { field: 'hosts/0/uuid', message: 'hosts/0/uuid is wrong', host: 1 },
      ]),
    ).toEqual(['line 6: hosts/2/serial "C" is taken', 'line 5: hosts/0/uuid is wrong']);
  });

  it('names the field when a problem carries no host or one outside the job', async () => {
    const job = await jobOf(['A']);
    expect(
      formatRefusedHosts(job, [
        { field: 'defaults/osProfile', message: 'is not valid' },
        { field: 'hosts/9', message: 'hosts/9 is unknown', host: 9 },
      ]),
    ).toEqual(['defaults/osProfile: is not valid', 'hosts/9: hosts/9 is unknown']);
  });
});
