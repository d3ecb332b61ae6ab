/**
 * The error names chainsec fails a waiting workflow's task with. The
 * workflow's Catch records them, and its report of an undelivered request
 * hands them back (a duplicate is told apart from a real failure by its name).
 */

/** A refused approval request: malformed, unknown or too large. */
export const INVALID_REQUEST_ERROR = 'chainsec.InvalidRequest';
/** An approval request whose record could not be stored, retries spent. */
export const NOT_STORED_ERROR = 'chainsec.RequestNotStored';
/** A second request for an incident that already has a live one (or one its first request was raised or folded into). */
export const DUPLICATE_REQUEST_ERROR = 'chainsec.DuplicateRequest';
