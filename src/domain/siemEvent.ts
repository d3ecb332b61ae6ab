import { type JsonValue, type LedgerEntry, LedgerEntryType } from './ledger';

/**
 * The SIEM feed's event (docs/ARCHITECTURE.md#the-siem-feed): every ledger entry goes to
 * the default EventBridge bus as source {@link LEDGER_EVENT_SOURCE},
 * detail-type {@link LEDGER_EVENT_DETAIL_TYPE}; `detail` is the entry as
 * signed, and for decisions an OCSF rendering beside it. Pure: no SDK.
 */
export const LEDGER_EVENT_SOURCE = 'chainsec.ledger';
export const LEDGER_EVENT_DETAIL_TYPE = 'chainsec Ledger Entry';

/**
 * EventBridge takes entries of at most 256 KB (source, detail-type and detail
 * together); the detail is kept under this, leaving room for the rest.
 */
export const MAX_DETAIL_BYTES = 240_000;

/** The OCSF schema version the rendering follows. */
const OCSF_VERSION = '1.3.0';

/** What an entry's event carries. */
export interface LedgerEventDetail {
  /** The entry as signed, or (when it is too large) its identifying fields only. */
  entry: LedgerEntry | LedgerEntryStub;
  /** Present when `entry` is a stub: the full entry's JSON size in bytes. Fetch it with `chainsec export`. */
  truncated?: { bytes: number };
  /** Decisions only: an OCSF 1.3 Incident Finding (class 2005), activity Update. */
  ocsf?: OcsfIncidentFinding;
}

/** The fields that identify an entry and let a reader check it against the exported ledger. */
export type LedgerEntryStub = Pick<
  LedgerEntry,
  'type' | 'incidentId' | 'seq' | 'actor' | 'at' | 'prevHash' | 'keyId' | 'hash' | 'signature'
>;

/** The part of OCSF's Incident Finding (2005) a decision fills. */
export interface OcsfIncidentFinding {
  category_uid: 2;
  category_name: 'Findings';
  class_uid: 2005;
  class_name: 'Incident Finding';
  activity_id: 2;
  activity_name: 'Update';
  type_uid: 200502;
  type_name: 'Incident Finding: Update';
  /** The decision's time, epoch milliseconds. */
  time: number;
  severity_id: number;
  severity: string;
  /** 99 (Other): OCSF's incident statuses (New, In Progress, Resolved…) do not say approve / deny / expired. */
  status_id: 99;
  /** The decision itself: `approve`, `deny`, `rollback` or `expired`. */
  status: string;
  message: string;
  finding_info_list: Array<{ uid: string; title: string }>;
  metadata: {
    version: string;
    product: { name: 'chainsec'; vendor_name: 'chainsec' };
    /** The entry's hash: unique per entry, and the key a consumer deduplicates on. */
    uid: string;
    correlation_uid: string;
    sequence: number;
  };
  /** What OCSF has no field for: who decided, the tier, the entry's place and signature key. */
  unmapped: { decided_by: JsonValue; tier: JsonValue; actor: string; ledger_seq: number; key_id: string };
}

/** OCSF severity_id by risk tier (Low 2, Medium 3, High 4, Critical 5; 0 Unknown otherwise). */
const SEVERITY: Record<string, { id: number; name: string }> = {
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** The OCSF rendering of a `decision` entry. */
export function ocsfDecision(entry: LedgerEntry): OcsfIncidentFinding {
  const severity = SEVERITY[String(entry.tier)] ?? { id: 0, name: 'Unknown' };
  const decision = String(entry.decision ?? 'unknown');
  return {
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2005,
    class_name: 'Incident Finding',
    activity_id: 2,
    activity_name: 'Update',
    type_uid: 200502,
    type_name: 'Incident Finding: Update',
    time: Date.parse(entry.at),
    severity_id: severity.id,
    severity: severity.name,
    status_id: 99,
    status: decision,
    message: `chainsec decision on incident ${entry.incidentId}: ${decision}`,
    finding_info_list: [{ uid: entry.incidentId, title: `chainsec incident ${entry.incidentId}` }],
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'chainsec', vendor_name: 'chainsec' },
      uid: entry.hash,
      correlation_uid: entry.incidentId,
      sequence: entry.seq,
    },
    unmapped: {
      decided_by: entry.decidedBy ?? [],
      tier: entry.tier ?? null,
      actor: entry.actor,
      ledger_seq: entry.seq,
      key_id: entry.keyId,
    },
  };
}

/** The detail of an entry's event, at most {@link MAX_DETAIL_BYTES} of JSON. */
export function ledgerEventDetail(entry: LedgerEntry, maxBytes = MAX_DETAIL_BYTES): LedgerEventDetail {
  const ocsf = entry.type === LedgerEntryType.Decision ? ocsfDecision(entry) : undefined;
  const full: LedgerEventDetail = { entry, ...(ocsf && { ocsf }) };
  const bytes = Buffer.byteLength(JSON.stringify(full), 'utf8');
  if (bytes <= maxBytes) return full;
  const { type, incidentId, seq, actor, at, prevHash, keyId, hash, signature } = entry;
  return {
    entry: { type, incidentId, seq, actor, at, prevHash, keyId, hash, signature },
    truncated: { bytes },
    ...(ocsf && { ocsf }),
  };
}
