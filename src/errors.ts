/**
 * Stable error codes. Callers branch on `code`, never on messages (the same idea as
 * Bolt's `ErrorCode` enum). Each code maps to one user-visible answer in
 * `src/userMessages.ts`.
 */
export const ErrorCode = {
  InvalidInput: 'chainsec_invalid_input',
  PayloadTooLarge: 'chainsec_payload_too_large',
  UnknownPayload: 'chainsec_unknown_payload',
  NotAllowedToDecide: 'chainsec_not_allowed_to_decide',
  SelfApproval: 'chainsec_self_approval',
  AlreadyVoted: 'chainsec_already_voted',
  AlreadyDecided: 'chainsec_already_decided',
  WrongChannel: 'chainsec_wrong_channel',
  /** A message click whose message is not the request's card. */
  NotTheCard: 'chainsec_not_the_card',
  /** A click from a surface that cannot decide (not a channel message, not this app's Home tab), or from outside the workspace. */
  NotADecisionSurface: 'chainsec_not_a_decision_surface',
  NotReversible: 'chainsec_not_reversible',
  NothingToDecide: 'chainsec_nothing_to_decide',
  RequestExpired: 'chainsec_request_expired',
  IncidentNotFound: 'chainsec_incident_not_found',
  SigningFailed: 'chainsec_signing_failed',
  ConcurrentUpdate: 'chainsec_concurrent_update',
  WorkflowTokenGone: 'chainsec_workflow_token_gone',
  WorkflowUnavailable: 'chainsec_workflow_unavailable',
  ReplayedRequest: 'chainsec_replayed_request',
  ConfigInvalid: 'chainsec_config_invalid',
  LedgerConflict: 'chainsec_ledger_conflict',
  FullTextUnavailable: 'chainsec_full_text_unavailable',
  IngestRetry: 'chainsec_ingest_retry',
  /** A stream record that cannot be handled as delivered (no key, no entry): reported as a batch item failure. */
  StreamRecordInvalid: 'chainsec_stream_record_invalid',
  /** EventBridge refused ledger entries (the SIEM feed): the stream delivers them again. */
  LedgerFeedFailed: 'chainsec_ledger_feed_failed',
  /** A receipt is not a receipt: a field missing, extra or of the wrong type, a date that is not ISO-8601. */
  ReceiptMalformed: 'chainsec_receipt_malformed',
  /** A receipt's signature is not an ECDSA P-256 signature at all (absent, truncated, not DER). */
  ReceiptSignatureInvalid: 'chainsec_receipt_signature_invalid',
  /** A receipt names a key the executor does not trust, or the key cannot check it. */
  ReceiptWrongKey: 'chainsec_receipt_wrong_key',
  /** A well-formed signature that does not cover the receipt's fields: a field changed after signing. */
  ReceiptFieldChanged: 'chainsec_receipt_field_changed',
  ReceiptExpired: 'chainsec_receipt_expired',
  /** The action about to run is not the one the receipt allows (changed or widened parameters). */
  ReceiptActionMismatch: 'chainsec_receipt_action_mismatch',
  /** The receipt was redeemed before: its action ran (or is running) already. */
  ReceiptReplayed: 'chainsec_receipt_replayed',
  /** The write-once anchor storage (S3) could not take an anchor; the next sweep writes it. */
  AnchorUnavailable: 'chainsec_anchor_unavailable',
  /** The anchor's number is taken in the write-once storage by an anchor that does not follow the last one written. */
  AnchorTaken: 'chainsec_anchor_taken',
  /** Slack refused a post because the bot is not in the channel (or cannot see it): a route to a channel nobody invited it to. */
  ChannelUnreachable: 'chainsec_channel_unreachable',
  /** The ledger could not take an entry about something that already happened (a proxied call's result): what it covers is withheld. */
  LedgerUnavailable: 'chainsec_ledger_unavailable',
  /** The secret holding what chainsec sends an upstream MCP server (its token) is missing, unreadable or malformed. */
  UpstreamCredentialsUnavailable: 'chainsec_upstream_credentials_unavailable',
  /** An upstream MCP server's result cannot be digested or redacted (nested too deeply): the call ran, its result is withheld. */
  UpstreamResultUnreadable: 'chainsec_upstream_result_unreadable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error chainsec raises on purpose. */
export class ChainsecError extends Error {
  public readonly code: ErrorCode;
  /** Extra, non-secret facts for the log and for the user-facing message. */
  public readonly details: Record<string, unknown>;

  public constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChainsecError';
    this.code = code;
    this.details = details;
  }
}

/** Input failed validation (malformed JSON, unknown shape, missing or bad fields). */
export class InvalidInputError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.InvalidInput, message, details, options);
    this.name = 'InvalidInputError';
  }
}

/** A record is larger than the 256 KB the bot accepts. */
export class PayloadTooLargeError extends ChainsecError {
  public constructor(bytes: number, limit: number) {
    super(ErrorCode.PayloadTooLarge, `record is ${bytes} bytes, over the ${limit} byte limit`, { bytes, limit });
    this.name = 'PayloadTooLargeError';
  }
}

/** The payload parsed but matches no shape the bot knows. */
export class UnknownPayloadError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.UnknownPayload, message, details);
    this.name = 'UnknownPayloadError';
  }
}

/** No incident with that id or reference. */
export class IncidentNotFoundError extends ChainsecError {
  public constructor(ref: string) {
    super(ErrorCode.IncidentNotFound, `no incident ${ref}`, { ref });
    this.name = 'IncidentNotFoundError';
  }
}

/** The signer (KMS) could not sign: nothing may be recorded or resumed. */
export class SigningFailedError extends ChainsecError {
  public constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.SigningFailed, message, {}, options);
    this.name = 'SigningFailedError';
  }
}

/** Another writer changed the incident first; the caller may re-read and retry. */
export class ConcurrentUpdateError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.ConcurrentUpdate, message, details, options);
    this.name = 'ConcurrentUpdateError';
  }
}

/** A signed request was already processed: its one-time claim is taken (a replay, or a Slack retry). */
export class ReplayedRequestError extends ChainsecError {
  public constructor(details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.ReplayedRequest, 'request already processed', details, options);
    this.name = 'ReplayedRequestError';
  }
}

/**
 * The ledger table already holds a different entry at an entry's place
 * (incident, seq): a fork or an overwrite, never expected. Nothing is
 * replaced; the entry stays unpublished in its incident for inspection.
 */
export class LedgerConflictError extends ChainsecError {
  public constructor(details: Record<string, unknown>, options?: ErrorOptions) {
    super(ErrorCode.LedgerConflict, 'a different ledger entry is already stored at this place', details, options);
    this.name = 'LedgerConflictError';
  }
}

/** Step Functions no longer knows the task token (timed out, finished, invalid). */
export class WorkflowTokenGoneError extends ChainsecError {
  public constructor(reason: string, options?: ErrorOptions) {
    super(ErrorCode.WorkflowTokenGone, `workflow task is gone: ${reason}`, { reason }, options);
    this.name = 'WorkflowTokenGoneError';
  }
}

/** Step Functions could not be reached or throttled us past our retries. */
export class WorkflowUnavailableError extends ChainsecError {
  public constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.WorkflowUnavailable, message, {}, options);
    this.name = 'WorkflowUnavailableError';
  }
}

/**
 * An inbound record failed in a way a redelivery can fix (a store, Slack or
 * Step Functions outage): the event source delivers it again, then dead-letters it.
 */
export class IngestRetryError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.IngestRetry, message, details, options);
    this.name = 'IngestRetryError';
  }
}

/** Configuration is missing or malformed; raised once per container at start. */
export class ConfigInvalidError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.ConfigInvalid, message, details, options);
    this.name = 'ConfigInvalidError';
  }
}

/**
 * The full text a preview refers to is missing, incomplete, or does not hash
 * to its reference (see `FullTextStore`); only the preview can be shown.
 */
export class FullTextUnavailableError extends ChainsecError {
  public constructor(reason: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.FullTextUnavailable, `full text unavailable: ${reason}`, details, options);
    this.name = 'FullTextUnavailableError';
  }
}

/**
 * A DynamoDB stream record the publisher or the SIEM feed cannot read (no
 * key, no entry JSON): a poison record, reported as a batch item failure
 * and, past the mapping's retries, sent to its on-failure queue.
 */
export class StreamRecordInvalidError extends ChainsecError {
  public constructor(reason: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.StreamRecordInvalid, `stream record invalid: ${reason}`, details, options);
    this.name = 'StreamRecordInvalidError';
  }
}

/** EventBridge did not take some ledger entries (PutEvents failed, or answered FailedEntryCount > 0). */
export class LedgerFeedError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.LedgerFeedFailed, message, details, options);
    this.name = 'LedgerFeedError';
  }
}

/** The codes a {@link ReceiptRejectedError} carries. */
export type ReceiptRejection =
  | typeof ErrorCode.ReceiptMalformed
  | typeof ErrorCode.ReceiptSignatureInvalid
  | typeof ErrorCode.ReceiptWrongKey
  | typeof ErrorCode.ReceiptFieldChanged
  | typeof ErrorCode.ReceiptExpired
  | typeof ErrorCode.ReceiptActionMismatch
  | typeof ErrorCode.ReceiptReplayed;

/** A receipt does not allow the action: `code` says which check refused it (see `verifyReceipt`). */
export class ReceiptRejectedError extends ChainsecError {
  declare public readonly code: ReceiptRejection;

  public constructor(
    code: ReceiptRejection,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
    this.name = 'ReceiptRejectedError';
  }
}

/** An anchor could not be written to its write-once storage (S3 down, refused): the next sweep retries. */
export class AnchorUnavailableError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.AnchorUnavailable, `anchor not written: ${message}`, details, options);
    this.name = 'AnchorUnavailableError';
  }
}

/**
 * The write-once storage already holds an object under this anchor's number
 * (a conditional put refused it). Never overwritten: the writer reads what is
 * there and either takes it as the anchor it lost track of, or stops, loudly.
 */
export class AnchorTakenError extends ChainsecError {
  public constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(ErrorCode.AnchorTaken, `anchor not written: ${message}`, details, options);
    this.name = 'AnchorTakenError';
  }
}

/**
 * Slack refused to post to a channel because the bot is not a member
 * (`not_in_channel`), cannot see it (`channel_not_found`: a private channel it
 * was never invited to, or a deleted one) or it is archived (`is_archived`).
 */
export class ChannelUnreachableError extends ChainsecError {
  public constructor(channel: string, slackError: string, options?: ErrorOptions) {
    super(
      ErrorCode.ChannelUnreachable,
      `chainsec cannot post to ${channel}: ${slackError}`,
      { channel, slackError },
      options,
    );
    this.name = 'ChannelUnreachableError';
  }
}

/**
 * The headers chainsec sends an upstream MCP server could not be had: the
 * secret is missing, unreadable or malformed. Nothing is sent to the upstream
 * then. The message never holds the secret's value.
 */
export class UpstreamCredentialsError extends ChainsecError {
  public constructor(upstream: string, why: string, options?: ErrorOptions) {
    super(
      ErrorCode.UpstreamCredentialsUnavailable,
      `the credentials of the MCP server "${upstream}" could not be used: ${why}`,
      { upstream },
      options,
    );
    this.name = 'UpstreamCredentialsError';
  }
}

/**
 * An upstream MCP server answered a result chainsec cannot digest for the
 * ledger or redact (nested too deeply): the call ran, and its result is
 * withheld rather than passed on unrecorded.
 */
export class UpstreamResultUnreadableError extends ChainsecError {
  public constructor(upstream: string, why: string, options?: ErrorOptions) {
    super(ErrorCode.UpstreamResultUnreadable, `its result ${why}`, { upstream }, options);
    this.name = 'UpstreamResultUnreadableError';
  }
}
