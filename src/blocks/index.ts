/**
 * Pure Block Kit builders: records in, `{ text, blocks }` out. They import
 * only the domain and `@slack/types`; every untrusted string is escaped and
 * bounded here, so callers can post the result as is.
 */
export * from './limits';
export { buildIncidentCard } from './incidentCard';
export { buildEscalationDm } from './escalationDm';
