import { ChainsecError, ErrorCode, UnknownPayloadError } from '../errors';
import type { AppDeps } from './deps';
import { parseInbound, rejectedRecord, salvageTaskToken } from './parseInbound';
import { INVALID_REQUEST_ERROR } from './taskErrors';

/** Where an approval request from another workflow goes once read: the approval requests topic. */
export interface RequestPublisher {
  /** Publishes the request as it arrived (the ingest function reads it from the topic like any other). */
  publishRequest(text: string, tier: string): Promise<void>;
}

/** What {@link forwardApprovalRequest} did. */
export type ForwardOutcome =
  | { status: 'forwarded' }
  /** Refused: kept in the rejected store; `failedTask` when its workflow's task was failed at once. */
  | { status: 'refused'; code: string; reason: string; failedTask: boolean };

/**
 * The approval request function: another team's workflow invokes it with
 * `lambda:invoke.waitForTaskToken`, the approval request (task token
 * included) as the payload. A valid request goes on to the approval
 * requests topic, exactly as if the workflow had published it there. Any
 * other payload is kept in the rejected store and, when a task token can be
 * found in it (the AWS human-approval tutorial's payload carries the whole
 * context object), that task is failed at once with a coded error, so the
 * workflow takes its Catch instead of waiting until its timeout.
 * @throws the coded error when the payload holds no task token (the invocation fails, which fails the task too)
 */
export async function forwardApprovalRequest(
  deps: Pick<AppDeps, 'rejected' | 'workflow' | 'clock' | 'telemetry'> & { requests: RequestPublisher },
  payload: unknown,
): Promise<ForwardOutcome> {
  const text = JSON.stringify(payload ?? null);
  let error: unknown;
  try {
    const message = parseInbound(text);
    if (message.kind === 'approval_request') {
      await deps.requests.publishRequest(text, message.tier);
      deps.telemetry.metric('ForeignRequestsForwarded');
      return { status: 'forwarded' };
    }
    error = new UnknownPayloadError('expected an approval request (kind "approval_request"), got a notification');
  } catch (e) {
    if (!(e instanceof ChainsecError)) throw e;
    error = e;
  }
  const code = error instanceof ChainsecError ? error.code : ErrorCode.InvalidInput;
  const reason = (error as Error).message;
  deps.telemetry.error('approval request refused', { code, reason });
  deps.telemetry.metric('RejectedPayloads');
  await deps.rejected.keep(rejectedRecord('lambda:approval-request', text, error, deps.clock.now()));
  const token = salvageTaskToken(text);
  if (!token) throw error;
  // The cause starts with the coded reason.
  await deps.workflow.fail(token, INVALID_REQUEST_ERROR, `${code}: ${reason}`.slice(0, 1000));
  return { status: 'refused', code, reason, failedTask: true };
}
