/**
 * The raw-insert baseline of a registration: the rows a 10,000-host job with auto-provision and auto-cluster ends
 * with (the job, its host rows with plan and progress, hosts, instances, clusters, cluster nodes), built beforehand
 * and written in one transaction with multi-row inserts on a fresh, migrated database. Only the transaction is timed.
 */
import { createHostProgress } from '../src/domain/registration/registration-steps.ts';
import { createId, nowIso } from '../src/store/create-id.ts';
import { createDb as createPostgresDb } from '../src/store/engines/postgres.ts';
import { createDb as createSqliteDb } from '../src/store/engines/sqlite.ts';
import { inChunks } from '../src/store/in-chunks.ts';
import { migrate } from '../src/store/open-store.ts';
import type { EngineConfig } from '../src/store/store-config.ts';

const OPTIONS = { autoProvision: true, autoCluster: true, atomic: false };

/** Seconds the one transaction took. */
export async function measureRawInsert(engine: EngineConfig, hosts: number): Promise<number> {
  const db = engine.engine === 'sqlite' ? createSqliteDb(engine) : createPostgresDb(engine);
  try {
    await migrate(db);
    const now = nowIso();
    await db
      .insertInto('projects')
      .values({ name: 'default', created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const jobId = createId();
    const progress = createHostProgress(OPTIONS);
    const done = {
      status: 'succeeded',
      steps: progress.steps.map((s) => ({
        ...s,
        status: 'succeeded',
        resourceId: createId(),
        created: true,
        attempts: 1,
        startedAt: now,
        finishedAt: now,
      })),
    };
    const rows = Array.from({ length: hosts }, (_, i) => {
      const n = String(i).padStart(6, '0');
      const hostId = createId();
      const clusterId = createId();
      const registration = {
        name: `host-BENCH-${n}`,
        uuid: null,
        serial: `BENCH-${n}`,
        site: `store-${i % 50}`,
        labels: { rack: `r${i % 20}` },
      };
      const plan = {
        index: i,
        registration,
        osProfile: 'microvisor-nonrt',
        template: { name: 'baseline-k3s', version: 'v0.0.4' },
        cluster: { name: `host-BENCH-${n}`, labels: {} },
      };
      return {
        job: {
          key: `${jobId}:${i}`,
          job_id: jobId,
          project: 'default',
          idx: i,
          status: 'succeeded',
          register_host: 'succeeded',
          create_instance: 'succeeded',
          create_cluster: 'succeeded',
          plan: JSON.stringify(plan),
          progress: JSON.stringify(done),
          lease_owner: null,
          lease_until: null,
          started_at: now,
          finished_at: now,
          updated_at: now,
        },
        host: {
          id: hostId,
          project: 'default',
          name: registration.name,
          uuid: null,
          serial: registration.serial,
          site: registration.site,
          labels: JSON.stringify(registration.labels),
          state: 'registered',
          auto_onboard: null,
          created_at: now,
          updated_at: now,
        },
        instance: {
          id: createId(),
          project: 'default',
          host_id: hostId,
          os_profile: 'microvisor-nonrt',
          os_profile_version: '1.0.0',
          observed_os_profile: null,
          created_at: now,
          updated_at: now,
        },
        cluster: {
          id: clusterId,
          project: 'default',
          name: registration.name,
          template_name: 'baseline-k3s',
          template_version: 'v0.0.4',
          os_profile: 'microvisor-nonrt',
          phase: 'waiting-for-nodes',
          doc: JSON.stringify({
            flavor: 'k3s',
            kubernetesVersion: 'v1.32.4+k3s1',
            airGapped: true,
            airGappedOverride: null,
            driver: 'agent',
            message: `waiting for host ${registration.name} to join`,
            labels: { 'default-extension': 'baseline' },
            autoCreated: true,
            deletionPolicy: 'delete',
          }),
          kubeconfig: null,
          created_at: now,
          updated_at: now,
        },
        node: { project: 'default', host_id: hostId, cluster_id: clusterId, role: 'all', position: 0 },
      };
    });
    const started = performance.now();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('registration_jobs')
        .values({ id: jobId, project: 'default', options: JSON.stringify(OPTIONS), defaults: '{}', host_count: hosts, created_at: now })
        .execute();
      for (const chunk of inChunks(rows)) {
        await trx
          .insertInto('registration_hosts')
          .values(chunk.map((r) => r.job))
          .execute();
        await trx
          .insertInto('hosts')
          .values(chunk.map((r) => r.host))
          .execute();
        await trx
          .insertInto('instances')
          .values(chunk.map((r) => r.instance))
          .execute();
        await trx
          .insertInto('clusters')
          .values(chunk.map((r) => r.cluster))
          .execute();
        await trx
          .insertInto('cluster_nodes')
          .values(chunk.map((r) => r.node))
          .execute();
      }
    });
    return (performance.now() - started) / 1000;
  } finally {
    await db.destroy();
  }
}
