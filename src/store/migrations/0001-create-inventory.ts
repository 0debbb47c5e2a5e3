/** The inventory: projects, API tokens, OS profiles, templates, hosts, instances, clusters and their nodes. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projects')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_tokens')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('os_profiles')
    .ifNotExists()
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('os_profiles_pk', ['project', 'name'])
    .execute();

  await db.schema
    .createTable('templates')
    .ifNotExists()
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('flavor', 'text', (c) => c.notNull())
    .addColumn('kubernetes_version', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('templates_pk', ['project', 'name', 'version'])
    .execute();

  await db.schema
    .createTable('hosts')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull().references('projects.name'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uuid', 'text')
    .addColumn('serial', 'text')
    .addColumn('site', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hosts_project_name', ['project', 'name'])
    .addUniqueConstraint('hosts_project_uuid', ['project', 'uuid'])
    .addUniqueConstraint('hosts_project_serial', ['project', 'serial'])
    .execute();
  await db.schema.createIndex('hosts_project_id').ifNotExists().on('hosts').columns(['project', 'id']).execute();

  await db.schema
    .createTable('instances')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id'))
    .addColumn('os_profile', 'text', (c) => c.notNull())
    .addColumn('observed_os_profile', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('instances_project_host', ['project', 'host_id'])
    .execute();
  await db.schema.createIndex('instances_project_profile').ifNotExists().on('instances').columns(['project', 'os_profile']).execute();

  await db.schema
    .createTable('clusters')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('template_name', 'text', (c) => c.notNull())
    .addColumn('template_version', 'text', (c) => c.notNull())
    .addColumn('os_profile', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addColumn('kubeconfig', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('clusters_project_name', ['project', 'name'])
    .execute();
  await db.schema
    .createIndex('clusters_project_template')
    .ifNotExists()
    .on('clusters')
    .columns(['project', 'template_name', 'template_version'])
    .execute();

  await db.schema
    .createTable('cluster_nodes')
    .ifNotExists()
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('host_id', 'text', (c) => c.notNull().references('hosts.id'))
    .addColumn('cluster_id', 'text', (c) => c.notNull().references('clusters.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('cluster_nodes_pk', ['project', 'host_id'])
    .execute();
  await db.schema.createIndex('cluster_nodes_cluster').ifNotExists().on('cluster_nodes').column('cluster_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['cluster_nodes', 'clusters', 'instances', 'hosts', 'templates', 'os_profiles', 'api_tokens', 'projects']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
