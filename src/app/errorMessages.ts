import { ChainsecError, ErrorCode } from '../errors';

/**
 * The one place that maps an error to what a person sees. Messages carry no
 * internals (no stack, no ids of secrets), only what to do next.
 */
export function userMessageFor(error: unknown): string {
  if (!(error instanceof ChainsecError)) return 'Something went wrong; nothing was recorded. Please try again.';
  switch (error.code) {
    case ErrorCode.SigningFailed:
      return 'Your vote could not be signed, so it was not recorded and nothing was resumed. Please try again in a moment.';
    case ErrorCode.IncidentNotFound:
      return `I do not know incident ${String(error.details.ref ?? '')}.`;
    case ErrorCode.ConcurrentUpdate:
      return 'Many people clicked at once and your vote could not be recorded. Please click again.';
    case ErrorCode.WorkflowUnavailable:
      return 'Your decision is recorded; resuming the workflow failed for now and will be retried automatically.';
    default:
      return error.message;
  }
}
