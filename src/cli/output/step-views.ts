/** One row per step of work done on a host in one request (provisioning, cluster creation), as registration reports steps. */
import type { Static } from 'typebox';
import type { RegistrationStep } from '../../contract/registration.schema.ts';
import type { Column } from './output.ts';

export type StepView = Static<typeof RegistrationStep>;

export const STEP_COLUMNS: Column<StepView>[] = [
  { header: 'STEP', value: (s) => s.step },
  { header: 'STATUS', value: (s) => s.status },
  { header: 'RESOURCE', value: (s) => s.resourceId },
  { header: 'REASON', value: (s) => (s.reason ? `${s.reason.code}: ${s.reason.message}` : null) },
];
