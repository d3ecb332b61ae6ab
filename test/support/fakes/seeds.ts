import type { IncidentRecord } from '../../../src/domain/incidentRecord';
import type { StoredIncident } from '../../../src/services/IncidentRepository';
import type { ApprovalTier } from '../../../src/domain/tiers';
import { approvalRecord } from '../records';
import { APPROVALS } from './fakeAppDeps';
import type { InMemoryStorage } from './inMemoryPorts';

/** The `ts` of the seeded incidents' cards. */
export const CARD_TS = '1699999999.000001';

/** The task token the seeded incidents wait with. */
export const TASK_TOKEN = 'task-token-1';

/**
 * Seeds a pending approval request whose card is posted in the approvals
 * channel, waiting with {@link TASK_TOKEN}, requested at `now`.
 */
export function seedApproval(
  storage: InMemoryStorage,
  now: Date,
  over: Partial<IncidentRecord> = {},
  tier: ApprovalTier = 'high',
): StoredIncident {
  const record = approvalRecord(now, { channel: APPROVALS, ts: CARD_TS, ...over }, tier);
  return storage.table.seed(record, { taskToken: TASK_TOKEN });
}
