import {
  ANCHOR_CHAIN,
  anchorChainBreak,
  anchorMismatch,
  anchorNumberOfKey,
  readAnchor,
  type AnchorFacts,
} from '../domain/anchor';
import { entryHash, LedgerEntryType, publicKeyFromPem, signatureValid } from '../domain/ledger';
import { parseLedgerLines } from '../domain/ledgerLines';
import { printable, UnusableInputError, type VerifiedLedger, type VerifyFailure } from './verifyLedgerFile';

/**
 * `chainsec verify --anchors FILE|s3://...`: does the export hold every entry
 * the anchors name (src/domain/anchor.ts)? An export rolled back to an earlier,
 * genuinely signed state verifies on its own, but lacks (or contradicts) an
 * entry that an anchor written before the roll-back names. No I/O here.
 */

/** The result of {@link checkAnchors}: notes to print when it holds. */
export type AnchorCheckResult = { ok: true; notes: string[] } | VerifyFailure;

/**
 * Reads anchors (JSON Lines, as `GET /sandbox/anchors` and the S3 objects hold
 * them), each checked against the trusted keys.
 * @param label how to name the input in errors (a file name or an s3:// URL)
 * @throws UnusableInputError when there is no anchor, or one is malformed or not signed by a given key
 */
export function readAnchors(
  input: string | Uint8Array,
  publicKeyPems: readonly string[],
  label: string,
): Array<{ facts: AnchorFacts; line: number }> {
  const keys = publicKeyPems.map((pem) => publicKeyFromPem(pem));
  const parsed = parseLedgerLines(input);
  if (!parsed.ok) throw new UnusableInputError(`${label} line ${parsed.line}: ${printable(parsed.reason, 300)}`);
  if (parsed.entries.length === 0) throw new UnusableInputError(`${label} has no anchors`);
  return parsed.entries.map((entry, i) => {
    const line = parsed.lines[i]!;
    const bad = (why: string) => new UnusableInputError(`${label} line ${line} is not a trusted anchor: ${why}`);
    if (entry.type !== LedgerEntryType.Anchor) throw bad(`type ${printable(String(entry.type), 40)}`);
    if (typeof entry.hash !== 'string' || entryHash(entry) !== entry.hash) throw bad('its hash does not match');
    if (!keys.some((k) => signatureValid(entry, k))) throw bad('no given public key verifies its signature');
    const facts = readAnchor(entry);
    if ('error' in facts) throw bad(facts.error);
    return { facts, line };
  });
}

/** One stored version of an object under the anchors' prefix (what `readAnchorVersions` lists). */
export interface StoredAnchorObject {
  key: string;
  versionId: string;
  body: string;
  deleteMarker: boolean;
}

/** The anchors' text from stored objects, one line per version (delete markers hold none), in the order given. */
export function anchorTextOfObjects(objects: readonly StoredAnchorObject[]): string {
  return objects
    .filter((o) => !o.deleteMarker)
    .map((o) => (o.body.endsWith('\n') ? o.body : `${o.body}\n`))
    .join('');
}

/**
 * Checks the stored objects themselves: every object under the prefix is
 * named by an anchor number, has one version (a second version is an anchor
 * written over), none is hidden by a delete marker, each holds one line and,
 * once `anchors` are read, the anchor its key names. Run without `anchors`
 * first, so that a version written over with anything at all fails here
 * (exit 1) rather than as unreadable anchors.
 * @param objects every version under `prefix`, as {@link anchorTextOfObjects} was given them
 * @param anchors the anchors read from that text; undefined to check names and versions only
 * @returns the first problem, as a failure on the anchors' chain; undefined when none
 */
export function checkAnchorObjects(
  objects: readonly StoredAnchorObject[],
  anchors: ReadonlyArray<{ facts: AnchorFacts; line: number }> | undefined,
  prefix: string,
  label: string,
): VerifyFailure | undefined {
  const where = (o: StoredAnchorObject) =>
    `${printable(o.key, 200)} version ${printable(o.versionId, 100)} in ${printable(label, 200)}`;
  const fail = (seq: number | null, line: number, reason: string): VerifyFailure => ({
    ok: false,
    line,
    incidentId: ANCHOR_CHAIN,
    seq,
    reason,
  });
  const versions = new Map<string, number>();
  for (const o of objects) versions.set(o.key, (versions.get(o.key) ?? 0) + 1);
  let line = 0;
  for (const o of objects) {
    const named = anchorNumberOfKey(prefix, o.key);
    const seq = named?.seq ?? null;
    if (o.deleteMarker) return fail(seq, line, `${where(o)} is a delete marker: an anchor was hidden`);
    line += 1;
    const count = versions.get(o.key) ?? 0;
    if (count > 1)
      return fail(seq, line, `${where(o)} is one of ${count} versions of one key: an anchor was written over`);
    if (!named) return fail(null, line, `${where(o)} is not named by an anchor number`);
    if (o.body.trimEnd().includes('\n')) return fail(seq, line, `${where(o)} holds more than one line`);
    if (!anchors) continue;
    const anchor = anchors.find((a) => a.line === line)?.facts;
    if (!anchor || anchor.seq !== named.seq || (named.hash !== undefined && named.hash !== anchor.hash)) {
      const held = anchor ? `anchor seq ${anchor.seq}` : 'no anchor';
      return fail(seq, line, `${where(o)} is named for anchor ${named.seq} but holds ${held}`);
    }
  }
  return undefined;
}

/**
 * Checks a verified export against anchors. The anchors must form one
 * unbroken chain (numbered from 1 with none missing or twice, each linking the
 * one before), and every (incident, seq, hash) an anchor names must be in the
 * export, with that hash. Chains and entries newer than the last anchor are
 * fine (the export is later).
 * @returns a failure naming the incident (or the anchors' chain), or notes to print
 */
export function checkAnchors(
  ledger: VerifiedLedger,
  anchors: ReadonlyArray<{ facts: AnchorFacts; line: number }>,
  label: string,
): AnchorCheckResult {
  const broken = anchorChainBreak(anchors.map((a) => a.facts));
  if (broken) {
    const at = anchors.filter((a) => a.facts.seq === broken.seq).at(-1) ?? anchors[0]!;
    const reason = `${broken.reason} (${printable(label, 200)} line ${at.line})`;
    return { ok: false, line: at.line, incidentId: ANCHOR_CHAIN, seq: broken.seq, reason };
  }
  for (const { facts, line } of anchors) {
    const mismatch = anchorMismatch(ledger.entries, facts);
    if (!mismatch) continue;
    const { incidentId, seq } = mismatch;
    return {
      ok: false,
      line: exportLineOf(ledger, incidentId, seq),
      incidentId,
      seq,
      reason: `${mismatch.reason} (${printable(label, 200)} line ${line})`,
    };
  }
  const latest = anchors.reduce((a, b) => (b.facts.seq > a.facts.seq ? b : a)).facts;
  const at = printable(latest.at, 40);
  return {
    ok: true,
    notes: [
      `anchors: ${anchors.length} from ${printable(label, 200)}, latest seq ${latest.seq} at ${at}; ` +
        'the export holds every entry they name',
    ],
  };
}

/** Where a FAIL points in the export: the entry at `seq` of the chain, or its last entry, or past the end. */
function exportLineOf(ledger: VerifiedLedger, incidentId: string, seq: number): number {
  let line: number | undefined;
  ledger.entries.forEach((e, i) => {
    if (e.incidentId === incidentId && e.type !== LedgerEntryType.Checkpoint && e.seq <= seq) line = ledger.lines[i];
  });
  return line ?? (ledger.lines.at(-1) ?? 0) + 1;
}
