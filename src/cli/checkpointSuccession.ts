import { describeScope, readCheckpoint, type CheckpointFacts, type ExportScope } from '../domain/checkpoint';
import { entryHash, LedgerEntryType, signatureValid, type LedgerEntry } from '../domain/ledger';
import { parseStrictJson } from '../domain/strictJson';
import {
  printable,
  readPublicKey,
  UnusableInputError,
  verifyLedgerExport,
  type VerifiedLedger,
  type VerifyFailure,
} from './verifyLedgerFile';

/**
 * `chainsec verify --since-checkpoint OLD`: does this export extend an earlier
 * one? A whole ledger rolled back to an older signed export verifies on its
 * own; given the earlier export (or only its checkpoint), the later one must
 * carry a later checkpoint number, link to it when they are consecutive, and
 * hold every entry the earlier one held, unchanged. No I/O here.
 */

/** What is known of the earlier state: its checkpoint, and its entries when a whole export was given. */
export interface EarlierState {
  checkpoint: CheckpointFacts;
  /** Entries of the earlier export (checkpoint excluded) with their lines; undefined for a checkpoint alone. */
  entries: ReadonlyArray<{ entry: LedgerEntry; line: number }> | undefined;
}

/** The result of {@link checkSuccession}: notes to print when it holds. */
export type SuccessionResult = { ok: true; notes: string[] } | VerifyFailure;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the earlier state: an export (verified as a whole, its checkpoint
 * required) or one checkpoint entry as JSON (one line of an export, or the
 * same pretty-printed; its hash and signature are checked).
 * @param label how to name the input in errors (its file name)
 * @throws UnusableInputError when it is neither, or does not verify with the given keys
 */
export function readEarlierState(
  input: string | Uint8Array,
  publicKeyPems: readonly string[],
  label: string,
): EarlierState {
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    throw new UnusableInputError(`${label} is not UTF-8 text`);
  }
  if (isOneCheckpoint(text.trim())) {
    return { checkpoint: verifiedCheckpoint(text.trim(), publicKeyPems, label), entries: undefined };
  }

  let verified: ReturnType<typeof verifyLedgerExport>;
  try {
    verified = verifyLedgerExport(input, publicKeyPems, { requireCheckpoint: true });
  } catch (e) {
    if (e instanceof UnusableInputError && e.message === 'the ledger has no entries') {
      throw new UnusableInputError(`${label} has no entries`);
    }
    throw e;
  }
  const { report, ledger } = verified;
  if (!report.ok || !ledger?.checkpoint) {
    const why = report.ok ? 'it has no checkpoint' : `line ${report.line}: ${printable(report.reason, 300)}`;
    throw new UnusableInputError(`${label} is not a verified export or checkpoint (${why})`);
  }
  const entries = ledger.entries
    .map((entry, i) => ({ entry, line: ledger.lines[i]! }))
    .filter(({ entry }) => entry.type !== LedgerEntryType.Checkpoint);
  return { checkpoint: ledger.checkpoint.facts, entries };
}

/** Whether the text is one JSON value, a checkpoint entry (rather than JSON Lines). */
function isOneCheckpoint(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return type === LedgerEntryType.Checkpoint;
}

function verifiedCheckpoint(text: string, publicKeyPems: readonly string[], label: string): CheckpointFacts {
  // Duplicate keys are refused here too; the layout may differ from an export line (pretty-printed).
  const parsed = parseStrictJson(text);
  if (!parsed.ok) throw new UnusableInputError(`${label}: ${printable(parsed.reason, 300)}`);
  const entry = parsed.value as LedgerEntry;
  if (typeof entry.hash !== 'string' || typeof entry.signature !== 'string' || entryHash(entry) !== entry.hash) {
    throw new UnusableInputError(`${label}: the checkpoint's hash does not match its content`);
  }
  const keys = publicKeyPems.map((pem, i) => readPublicKey(pem, `public key ${i + 1}`).key);
  if (!keys.some((k) => signatureValid(entry, k))) {
    throw new UnusableInputError(`${label}: the checkpoint's signature is not valid for the given public key(s)`);
  }
  const facts = readCheckpoint(entry);
  if ('error' in facts) throw new UnusableInputError(`${label}: ${facts.error}`);
  return facts;
}

const short = (hash: string | undefined): string => printable(String(hash).slice(0, 12), 12);

/**
 * Checks that `newer` (a verified export) extends `earlier`: a later
 * checkpoint number (linked to the earlier checkpoint's hash when consecutive),
 * and every entry the earlier state held at the same place with the same hash,
 * every chain at least as long. Earlier checkpoints from before the link carry
 * no number: then only the entries are compared, with a note.
 * @returns notes for the reader, or the first failure (the lowest line of `newer`)
 */
export function checkSuccession(newer: VerifiedLedger, earlier: EarlierState): SuccessionResult {
  if (!newer.checkpoint) {
    const line = (newer.lines[newer.lines.length - 1] ?? 0) + 1;
    const reason = 'no ledger_checkpoint: this export cannot be shown to follow the earlier checkpoint';
    return { ok: false, line, incidentId: '*', seq: null, reason };
  }
  const order = checkOrder(newer.checkpoint, earlier.checkpoint);
  if (typeof order !== 'string') return order;

  const scope = newer.checkpoint.facts.partial;
  const problem = firstMissingOrChanged(newer, earlier, scope && inScopeOf(scope, newer, earlier));
  if (problem) return problem;
  if (scope) {
    return {
      ok: true,
      notes: [
        `since checkpoint: ${order}`,
        `since checkpoint: this is a partial export (${printable(describeScope(scope))}): the earlier state's ` +
          'chains in its scope are here, unchanged; chains outside it are not compared',
      ],
    };
  }
  const held = earlier.entries
    ? `every one of the earlier export's ${earlier.entries.length} entries in ` +
      `${new Set(earlier.entries.map((e) => e.entry.incidentId)).size} chains is here, unchanged`
    : `the head of each of the earlier checkpoint's ${earlier.checkpoint.heads.size} chains is here, unchanged`;
  return { ok: true, notes: [`since checkpoint: ${order}`, `since checkpoint: ${held}`] };
}

/** Is `later` numbered after `earlier` (and linked to it when next)? @returns a note, or the failure */
function checkOrder(later: NonNullable<VerifiedLedger['checkpoint']>, o: CheckpointFacts): string | VerifyFailure {
  const n = later.facts;
  const fail = (reason: string): VerifyFailure => ({
    ok: false,
    line: later.line,
    incidentId: '*',
    seq: n.seq ?? null,
    reason,
  });
  if (o.seq === undefined) {
    return (
      'the earlier checkpoint is unnumbered (exported before checkpoints were linked): ' +
      'which export is later cannot be told from it; only the entries are compared'
    );
  }
  if (n.seq === undefined) {
    return fail(
      'this checkpoint is unnumbered (exported before checkpoints were linked) ' +
        `but the earlier one is seq ${o.seq}: it cannot follow it (an older export?)`,
    );
  }
  if (n.seq < o.seq) {
    return fail(
      `checkpoint seq ${n.seq} comes before the earlier checkpoint's seq ${o.seq}: ` +
        'this export is the older one (a rollback?)',
    );
  }
  if (n.seq === o.seq) {
    return fail(
      n.hash === o.hash
        ? `checkpoint seq ${n.seq} is the earlier checkpoint itself: the same export, not a later one`
        : `checkpoint seq ${n.seq} has the earlier checkpoint's number but another hash: ` +
            'two checkpoints with one number (a fork)',
    );
  }
  if (n.seq === o.seq + 1) {
    if (n.prevHash === o.hash) {
      return `seq ${n.seq} follows the earlier checkpoint seq ${o.seq} directly (it names its hash)`;
    }
    return fail(
      `checkpoint seq ${n.seq} names previous checkpoint ${short(n.prevHash)}…, ` +
        `not the earlier checkpoint seq ${o.seq} (${short(o.hash)}…): the checkpoints fork`,
    );
  }
  return (
    `seq ${n.seq} comes ${n.seq - o.seq} checkpoints after the earlier seq ${o.seq} ` +
    '(the link itself is checkable only between consecutive checkpoints)'
  );
}

/**
 * Which of the earlier state's chains a partial export must hold: the scoped
 * incident's; with `since`, each chain it holds, and each earlier chain with an
 * entry at or after `since` (known when the earlier export itself was given).
 */
function inScopeOf(scope: ExportScope, newer: VerifiedLedger, earlier: EarlierState): (incidentId: string) => boolean {
  if (scope.incidentId !== undefined) return (id) => id === scope.incidentId;
  const from = Date.parse(String(scope.since));
  const chains = new Set(newer.entries.map((e) => e.incidentId));
  for (const { entry } of earlier.entries ?? []) if (Date.parse(String(entry.at)) >= from) chains.add(entry.incidentId);
  return (id) => chains.has(id);
}

/** Where `newer` lacks or contradicts what `earlier` held (in scope), at the lowest line of `newer`. */
function firstMissingOrChanged(
  newer: VerifiedLedger,
  earlier: EarlierState,
  inScope: (incidentId: string) => boolean = () => true,
): VerifyFailure | undefined {
  const place = (incidentId: string, seq: number): string => `${incidentId}\u0000${seq}`;
  const held = new Map<string, { hash: string; line: number }>();
  const ends = new Map<string, { seq: number; line: number }>();
  newer.entries.forEach((e, i) => {
    if (e.type === LedgerEntryType.Checkpoint) return;
    held.set(place(e.incidentId, e.seq), { hash: e.hash, line: newer.lines[i]! });
    ends.set(e.incidentId, { seq: e.seq, line: newer.lines[i]! });
  });
  const wanted: Array<{ incidentId: string; seq: number; hash: string; line?: number }> = (
    earlier.entries
      ? earlier.entries.map(({ entry: e, line }) => ({ incidentId: e.incidentId, seq: e.seq, hash: e.hash, line }))
      : [...earlier.checkpoint.heads].map(([incidentId, h]) => ({ incidentId, seq: h.seq, hash: h.hash }))
  ).filter((w) => inScope(w.incidentId));
  const longest = new Map<string, number>();
  for (const w of wanted) longest.set(w.incidentId, Math.max(longest.get(w.incidentId) ?? 0, w.seq));

  const checkpointLine = newer.checkpoint?.line ?? (newer.lines[newer.lines.length - 1] ?? 0) + 1;
  const problems: VerifyFailure[] = [];
  const cut = new Set<string>();
  for (const w of wanted) {
    const here = held.get(place(w.incidentId, w.seq));
    if (here && here.hash !== w.hash) {
      const where = w.line === undefined ? 'the earlier checkpoint names' : `the earlier export holds (line ${w.line})`;
      const reason = `differs from the entry ${where} at this place: the chain was rewritten or forked`;
      problems.push({ ok: false, line: here.line, incidentId: w.incidentId, seq: w.seq, reason });
    } else if (!here && !cut.has(w.incidentId)) {
      cut.add(w.incidentId);
      const end = ends.get(w.incidentId);
      const upTo = `the earlier state holds it up to seq ${longest.get(w.incidentId)!}`;
      const reason = end
        ? `chain ends at seq ${end.seq}, but ${upTo}: entries were removed (a rollback?)`
        : `chain is missing, though ${upTo} (a rollback?)`;
      const at = end ?? { line: checkpointLine, seq: null };
      problems.push({ ok: false, line: at.line, incidentId: w.incidentId, seq: at.seq, reason });
    }
  }
  return problems.sort((a, b) => a.line - b.line)[0];
}
