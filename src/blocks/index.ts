/**
 * Pure Block Kit builders: records in, `{ text, blocks }` out. They import
 * only the domain and `@slack/types`; every untrusted string is escaped and
 * bounded here, so callers can post the result as is.
 */
export { ELLIPSIS, escapeMrkdwn, oneLine, plain, quoteUntrusted, stripInvisible, truncate, untrusted } from './escape';
export * from './limits';
export { fitMessage, type FitOptions } from './fitMessage';
export { formatUtc, formatWhen, mention, mentions } from './format';
export { CardBlockId, actionsBlockId, buildIncidentCard, cardVersion, type CardVersion, type IncidentCardOptions } from './incidentCard';
export { ESCALATION_ACTIONS_BLOCK_ID, buildEscalationDm, cardLink, type EscalationDmOptions } from './escalationDm';
export { buildActionOutcomeReply, buildRepeatReply } from './threadReply';
