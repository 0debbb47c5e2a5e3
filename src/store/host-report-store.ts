/** Each host's last agent report (see domain/bootstrap/last-report.ts), replaced by the next one. */
import type { LastReport } from '../domain/bootstrap/last-report.ts';
import type { Db } from './database.ts';

export interface HostReportStore {
  put(project: string, hostId: string, report: LastReport): Promise<void>;
  /** Null when the host's agent has not reported yet. */
  find(project: string, hostId: string): Promise<LastReport | null>;
  delete(project: string, hostId: string): Promise<void>;
}

export function createHostReportStore(db: Db): HostReportStore {
  return {
    async put(project, hostId, { reportedAt, ...rest }) {
      const doc = JSON.stringify(rest);
      await db
        .insertInto('host_reports')
        .values({ host_id: hostId, project, reported_at: reportedAt, doc })
        .onConflict((oc) => oc.column('host_id').doUpdateSet({ reported_at: reportedAt, doc }))
        .execute();
    },
    async find(project, hostId) {
      const row = await db
        .selectFrom('host_reports')
        .selectAll()
        .where('project', '=', project)
        .where('host_id', '=', hostId)
        .executeTakeFirst();
      return row ? { reportedAt: row.reported_at, ...(JSON.parse(row.doc) as Omit<LastReport, 'reportedAt'>) } : null;
    },
    async delete(project, hostId) {
      await db.deleteFrom('host_reports').where('project', '=', project).where('host_id', '=', hostId).execute();
    },
  };
}
