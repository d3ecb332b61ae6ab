import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalStatus } from '../app/approvalStatus';

/**
 * Tool results as a model reads them: `structuredContent` for code, one text
 * for the model. A denial or an expiry is an error result (`isError`) whose
 * text says who decided (or that nobody did) and why.
 */

const names = (ids: readonly string[] | undefined): string => (ids && ids.length > 0 ? ids.join(' and ') : 'nobody');

const reasonText = (reason: string | undefined): string =>
  reason === undefined ? 'Reason: none given.' : `Reason: ${JSON.stringify(reason)}.`;

/** The sentence a model reads about a request's status. */
function sentence(s: ApprovalStatus): string {
  const about = `Approval ${s.approvalId} (incident ${s.incidentId})`;
  switch (s.status) {
    case 'pending':
      return `${about} is pending: people are deciding. Ask again later with get_approval; do not carry out the action yet.`;
    case 'approved':
      if (s.dryRun)
        return `${about} was approved in dry run by ${names(s.decidedBy)} at ${s.decidedAt}: chainsec runs in dry run, where nothing runs. ${reasonText(s.reason)} Do not carry out the proposed action (its receipt expired when it was issued).`;
      return `${about} was approved by ${names(s.decidedBy)} at ${s.decidedAt}. ${reasonText(s.reason)} Carry out exactly the proposed action; the receipt binds the approval to it.`;
    case 'denied': {
      const verb = s.decision === 'rollback' ? 'rolled back' : 'denied';
      return `${about} was ${verb} by ${names(s.decidedBy)} at ${s.decidedAt}. ${reasonText(s.reason)} Do not carry out the proposed action.`;
    }
    case 'expired':
      return `${about} expired at ${s.decidedAt}: nobody decided within the decision window. Reason: no decision before the deadline. Do not carry out the proposed action.`;
  }
}

/**
 * The tool result of a request's status (`request_approval`, `get_approval`, a task's result): an error result
 * when the action is not to be carried out (denied, expired, or decided in dry run), so a model stops.
 */
export function statusResult(s: ApprovalStatus): CallToolResult {
  return {
    content: [{ type: 'text', text: sentence(s) }],
    structuredContent: { ...s },
    ...((s.status === 'denied' || s.status === 'expired' || s.dryRun) && { isError: true }),
  };
}

/** A refusal or a bad argument, as a tool error the model can read and correct. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** What an agent hears for an approval id that is unknown, another agent's, or past its expiry (never which). */
export const NO_SUCH_APPROVAL = 'no approval with that approvalId for this agent (unknown, expired, or not yours)';
