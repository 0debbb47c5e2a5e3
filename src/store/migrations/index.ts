/** Every migration, in order. Listed statically so no directory is scanned at run time. */
import type { Migration, MigrationProvider } from 'kysely/migration';
import * as createInventory from './0001-create-inventory.ts';
import * as createAgentCredentials from './0002-create-agent-credentials.ts';
import * as createRegistrationJobs from './0003-create-registration-jobs.ts';
import * as addTemplateConfig from './0004-add-template-config.ts';
import * as addOsProfileVersions from './0005-add-os-profile-versions.ts';
import * as secureEnrollment from './0006-secure-enrollment.ts';
import * as createAuditEvents from './0007-create-audit-events.ts';
import * as addHostCredentialExpiry from './0008-add-host-credential-expiry.ts';
import * as addClusterJoins from './0009-add-cluster-joins.ts';
import * as createHostCleanups from './0010-create-host-cleanups.ts';
import * as createManagementClusters from './0012-create-management-clusters.ts';
import * as indexPagesAndCountJobs from './0013-index-pages-and-count-jobs.ts';
import * as createOnboardingRequests from './0015-create-onboarding-requests.ts';
import * as pageOsProfilesAndTemplates from './0017-page-os-profiles-and-templates.ts';

export const migrations: Record<string, Migration> = {
  '0001-create-inventory': createInventory,
  '0002-create-agent-credentials': createAgentCredentials,
  '0003-create-registration-jobs': createRegistrationJobs,
  '0004-add-template-config': addTemplateConfig,
  '0005-add-os-profile-versions': addOsProfileVersions,
  '0006-secure-enrollment': secureEnrollment,
  '0007-create-audit-events': createAuditEvents,
  '0008-add-host-credential-expiry': addHostCredentialExpiry,
  '0009-add-cluster-joins': addClusterJoins,
  '0010-create-host-cleanups': createHostCleanups,
  '0012-create-management-clusters': createManagementClusters,
  '0013-index-pages-and-count-jobs': indexPagesAndCountJobs,
  '0015-create-onboarding-requests': createOnboardingRequests,
  '0017-page-os-profiles-and-templates': pageOsProfilesAndTemplates,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
