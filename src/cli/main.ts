import { commandArgs } from './commandArgs';
import { readFileSync } from 'node:fs';
import type { ParseArgsOptionsConfig } from 'node:util';
import { describeScope } from '../domain/checkpoint';
import { decisionRulesLine } from './decisionRules';
import { s3Client, readAnchorVersions } from '../services/S3AnchorStore';
import {
  anchorTextOfObjects,
  checkAnchorObjects,
  checkAnchors,
  readAnchors,
  type StoredAnchorObject,
} from './anchorCheck';
import { checkSuccession, readEarlierState } from './checkpointSuccession';
import { EXPORT_USAGE, exportCommand } from './exportCommand';
import { checkReceiptFile } from './verifyReceiptFile';
import { printable, readPublicKey, UnusableInputError, verdictLine, verifyLedgerExport } from './verifyLedgerFile';

/**
 * `chainsec` command line. Exit codes (docs/INTERFACES.md#commands): 0 the ledger is
 * intact, 1 it is not (the last line starts `FAIL`), 2 the input is unusable.
 */

export const USAGE = `Usage: chainsec verify --ledger FILE --public-key PEM [--public-key PEM ...]
                       [--since-checkpoint OLD] [--anchors FILE|s3://BUCKET/PREFIX]
       chainsec verify-receipt --receipt FILE --public-key PEM [--action FILE]
                       [--now ISO-8601]

Verifies an exported chainsec decision ledger (JSON Lines) offline: every
entry's hash, ECDSA signature and place in its incident's chain, and the
checkpoint that names each chain's last entry. Each line must be its entry
as the exporter writes it: no duplicate keys, whitespace, CR or BOM.

Options:
  --ledger FILE       the ledger export (GET /sandbox/ledger); "-" reads stdin
  --public-key PEM    a PEM (SPKI) file with the signer's public key; repeat it
                      to accept entries signed by any of several keys (rotation)
  --allow-no-checkpoint  accept a partial export without its final checkpoint
                      (a chain cut short at its end then goes unnoticed)
  --since-checkpoint OLD  also check that the ledger extends an earlier export:
                      OLD is that export's file, or its checkpoint line alone.
                      Fails when the ledger's checkpoint number is not after
                      OLD's, does not link to it when they are consecutive, or
                      when an entry OLD held is missing or different (a ledger
                      rolled back to an older export fails here)
  --anchors FILE|s3://BUCKET/PREFIX  also check the export against the
                      anchors the sweep wrote to write-once storage: a JSON
                      Lines file (GET /sandbox/anchors), or every version of
                      every object under PREFIX in an S3 bucket, read with your
                      AWS credentials (AWS_PROFILE, AWS_REGION,
                      AWS_ENDPOINT_URL_S3 as the SDK reads them). Fails when
                      the anchors do not form one chain (a number missing or
                      twice, an anchor not linking the one before), when an S3
                      object was written over (two versions of one key) or is
                      not the anchor its key names, or when an anchor names an
                      entry (incident, seq, hash) the export lacks or
                      contradicts (an export rolled back to an earlier state)
  -h, --help          show this help

A partial export (chainsec export --incident / --since) verifies like a
whole one and is reported as partial on the checkpoint and OK lines.

Exit status: 0 intact (last line "OK ..."), 1 not intact (last line
"FAIL ..." naming the first bad entry), 2 unusable input.

verify-receipt checks a decision's receipt (the workflow output's "receipt",
or a command's on the actions topic): its ECDSA signature with the public key,
that its expiresAt is not past (as of --now, an instant with its zone such as
2026-12-01T10:05:00Z; default now) and, with --action,
that the action file's JSON has the receipt's actionDigest (SHA-256 of its
RFC 8785 canonical JSON). Exit status: 0 valid (last line "OK ..."), 1 not
valid (a "FAIL <code>: ..." line saying why), 2 unusable input (a receipt,
key or action file that cannot be read or is malformed).

${EXPORT_USAGE}`;

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

class UsageError extends Error {}

function readBytes(path: string, what: string): Buffer {
  try {
    // `-` is stdin, so `curl .../sandbox/ledger | chainsec verify --ledger -` works.
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new UnusableInputError(`cannot read ${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function readText(path: string, what: string): string {
  return readBytes(path, what).toString('utf8');
}

/** A verify subcommand's options: {@link commandArgs} with the CLI's usage, refusing with a UsageError. */
function verifyArgs<T extends ParseArgsOptionsConfig>(args: string[], options: T, io: CliIo) {
  return commandArgs(
    args,
    options,
    USAGE,
    (line) => io.out(line),
    (message) => new UsageError(message),
  );
}

function verifyReceiptCommand(args: string[], io: CliIo): number {
  const values = verifyArgs(
    args,
    {
      receipt: { type: 'string' },
      'public-key': { type: 'string' },
      action: { type: 'string' },
      now: { type: 'string' },
    },
    io,
  );
  if (!values) return 0;
  if (!values.receipt) throw new UsageError('missing --receipt FILE');
  if (!values['public-key']) throw new UsageError('missing --public-key PEM');
  const { lines, code } = checkReceiptFile({
    publicKeyPem: readText(values['public-key'], 'public key'),
    publicKeyFile: values['public-key'],
    receiptText: readText(values.receipt, 'receipt'),
    receiptFile: values.receipt,
    ...(values.action !== undefined && { actionText: readText(values.action, 'action'), actionFile: values.action }),
    ...(values.now !== undefined && { now: values.now }),
  });
  for (const line of lines) io.out(line);
  return code;
}

/** How long the CLI waits for one S3 call. */
const S3_CALL_TIMEOUT_MS = 30_000;

/**
 * The anchors: a file's text, or every version of every object under an
 * `s3://bucket/prefix` (with the objects, whose keys and versions are checked too).
 * @throws UnusableInputError when they cannot be read
 */
async function readAnchorsInput(
  source: string,
): Promise<{ text: string | Buffer; stored?: { objects: StoredAnchorObject[]; prefix: string } }> {
  const url = /^s3:\/\/([^/]+)\/?(.*)$/.exec(source);
  if (!url) return { text: readBytes(source, 'anchors') };
  const [, bucket, given] = url as unknown as [string, string, string];
  const prefix = given === '' || given.endsWith('/') ? given : `${given}/`;
  const client = s3Client(S3_CALL_TIMEOUT_MS, process.env.S3_FORCE_PATH_STYLE === 'true');
  try {
    const objects = await readAnchorVersions(client, bucket, prefix);
    return { text: anchorTextOfObjects(objects), stored: { objects, prefix } };
  } catch (e) {
    throw new UnusableInputError(`cannot read anchors ${source}: ${(e as Error).name}: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    client.destroy();
  }
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const values = verifyArgs(
    args,
    {
      ledger: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      'allow-no-checkpoint': { type: 'boolean' },
      'since-checkpoint': { type: 'string' },
      anchors: { type: 'string' },
    },
    io,
  );
  if (!values) return 0;
  if (!values.ledger) throw new UsageError('missing --ledger FILE');
  const keyFiles = values['public-key'] ?? [];
  if (keyFiles.length === 0) throw new UsageError('missing --public-key PEM');

  // Read and check the keys first: a bad key is unusable input whatever the ledger holds.
  const pems = keyFiles.map((file) => readText(file, 'public key'));
  const fingerprints = pems.map((pem, i) => readPublicKey(pem, `public key ${keyFiles[i]!}`).fingerprint);
  const ledger = values.ledger;
  const since = values['since-checkpoint'];
  if (since === '-' && ledger === '-') {
    throw new UsageError('--ledger and --since-checkpoint cannot both be stdin');
  }
  // Bytes, not text: a byte that is not UTF-8 fails its line instead of being read as U+FFFD.
  const bytes = readBytes(ledger, 'ledger');
  const references = await readReferences({ ledger, since, anchorsAt: values.anchors }, pems);

  let verified: ReturnType<typeof verifyLedgerExport>;
  try {
    verified = verifyLedgerExport(bytes, pems, { requireCheckpoint: !values['allow-no-checkpoint'] });
  } catch (e) {
    if (e instanceof UnusableInputError && e.message === 'the ledger has no entries') {
      throw new UnusableInputError(`ledger ${ledger} has no entries`);
    }
    throw e;
  }
  const { report, notes } = compareWithReferences(verified, references);
  printVerification(io, { ledger, keyFiles, fingerprints }, verified, report, notes);
  return report.ok ? 0 : 1;
}

/** What a ledger export is compared with: an earlier export's state and the anchors, when given. */
interface References {
  earlier: ReturnType<typeof readEarlierState> | undefined;
  anchorsAt: string | undefined;
  stored: { objects: StoredAnchorObject[]; prefix: string } | undefined;
  /** The anchor objects themselves failed (written over, hidden, misnamed). */
  storedFailure: ReturnType<typeof checkAnchorObjects> | undefined;
  anchors: ReturnType<typeof readAnchors> | undefined;
}

/**
 * Reads the earlier export (`--since-checkpoint`) and the anchors (`--anchors`).
 * Both are references: when one does not verify there is nothing to compare with (exit 2).
 */
async function readReferences(
  given: { ledger: string; since: string | undefined; anchorsAt: string | undefined },
  pems: string[],
): Promise<References> {
  const { ledger, since, anchorsAt } = given;
  // The earlier state is the reference: when it does not verify there is nothing to compare with (exit 2).
  const earlier =
    since === undefined
      ? undefined
      : readEarlierState(readBytes(since, 'earlier export'), pems, `--since-checkpoint ${since}`);

  if (anchorsAt === '-' && (ledger === '-' || since === '-')) {
    throw new UsageError('only one of --ledger, --since-checkpoint and --anchors can be stdin');
  }
  // The anchors are the reference too: unreadable or untrusted ones leave nothing to compare with (exit 2).
  const anchorsInput = anchorsAt === undefined ? undefined : await readAnchorsInput(anchorsAt);
  const stored = anchorsInput?.stored;
  // Objects written over, hidden or misnamed fail (exit 1) before their contents are read as anchors.
  const storedFailure = stored && checkAnchorObjects(stored.objects, undefined, stored.prefix, anchorsAt!);
  const anchors =
    anchorsInput && !storedFailure ? readAnchors(anchorsInput.text, pems, `--anchors ${anchorsAt}`) : undefined;
  return { earlier, anchorsAt, stored, storedFailure, anchors };
}

type Verified = ReturnType<typeof verifyLedgerExport>;

/** The verdict once the export is compared with its references, and the notes of the comparisons that held. */
function compareWithReferences(
  verified: Verified,
  { earlier, anchorsAt, stored, storedFailure, anchors }: References,
): { report: Verified['report']; notes: string[] } {
  let report = verified.report;
  const notes: string[] = [];
  if (earlier && verified.ledger) {
    const succession = checkSuccession(verified.ledger, earlier);
    if (succession.ok) notes.push(...succession.notes);
    else report = succession;
  }
  if (storedFailure && verified.ledger && report.ok) report = storedFailure;
  if (anchors && verified.ledger && report.ok) {
    const misplaced = stored && checkAnchorObjects(stored.objects, anchors, stored.prefix, anchorsAt!);
    const anchored = misplaced ?? checkAnchors(verified.ledger, anchors, anchorsAt!);
    if (anchored.ok) notes.push(...anchored.notes);
    else report = anchored;
  }
  return { report, notes };
}

/** Prints what was verified with which key, the checkpoint, the notes, the decision rules, then the verdict line. */
function printVerification(
  io: CliIo,
  input: { ledger: string; keyFiles: string[]; fingerprints: string[] },
  verified: Verified,
  report: Verified['report'],
  notes: string[],
): void {
  io.out(`ledger: ${input.ledger}`);
  input.fingerprints.forEach((fp, i) => {
    const used = report.ok ? `, verified ${report.entriesPerKey[i]!} entries` : '';
    io.out(`public key ${input.keyFiles[i]!}: SHA-256 ${fp}${used}`);
  });
  if (report.ok) {
    const checkpoint = verified.ledger?.checkpoint?.facts;
    if (!checkpoint) io.out('checkpoint: absent; entries removed from the end of a chain cannot be detected');
    else {
      const which =
        checkpoint.seq === undefined
          ? 'unnumbered (exported before checkpoints were linked; --since-checkpoint cannot order it)'
          : `seq ${checkpoint.seq}`;
      const at = printable(checkpoint.at, 40);
      io.out(`checkpoint: present, ${which}, at ${at}; every chain ends where the checkpoint says`);
      if (checkpoint.partial) {
        io.out(`partial export: ${printable(describeScope(checkpoint.partial))}; other chains are not in this file`);
      }
    }
    for (const note of notes) io.out(note);
    // Which rule decided: the two-person rule (and every other) is provable from the signed entries.
    if (verified.ledger) io.out(decisionRulesLine(verified.ledger.entries));
  }
  const partial = report.ok ? verified.ledger?.checkpoint?.facts.partial : undefined;
  io.out(verdictLine(report) + (partial ? ` (partial export: ${printable(describeScope(partial))})` : ''));
}

/**
 * Runs the CLI.
 * @param argv the arguments after the program name
 * @returns the process exit code (a promise of it for `export`, which talks to AWS)
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) throw new UsageError('missing command');
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === 'verify-receipt') return verifyReceiptCommand(rest, io);
    if (command === 'export') return exportCommand(rest, { ...io, env: process.env });
    if (command !== 'verify') throw new UsageError(`unknown command ${command}`);
    return await verify(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      io.err(USAGE);
      return 2;
    }
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes on unknown or malformed options.
    if (e instanceof UnusableInputError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${(e as Error).message}`);
      return 2;
    }
    io.err(`error: ${(e as Error).stack ?? String(e)}`);
    return 2;
  }
}
