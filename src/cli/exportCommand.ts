import { buildLedgerExport, type LedgerExport } from '../app/exportLedger';
import type { AppDeps } from '../app/deps';
import { describeScope, type ExportScope } from '../domain/checkpoint';
import { systemClock } from '../domain/clock';
import { ConfigInvalidError } from '../errors';
import { createDynamoDbPorts } from '../services/dynamodb/createDynamoDbPorts';
import { KmsSigner } from '../services/KmsSigner';
import { writeLinesAtomically } from './atomicFile';
import { commandArgs } from './commandArgs';
import { exportOptions, type ExportOptions } from './exportOptions';
import { printable } from './verifyLedgerFile';

/**
 * `chainsec export --out FILE`: the decision ledger read from DynamoDB with
 * the caller's AWS credentials, written as the same JSON Lines export as
 * `GET /sandbox/ledger` (the same code: {@link buildLedgerExport}), its
 * checkpoint signed with KMS. Exit 0 when written, 1 when written but the
 * ledger has a conflict (the export holds both entries; `verify` fails it),
 * 2 on unusable options or when DynamoDB or KMS cannot be used (nothing written).
 */

export const EXPORT_USAGE = `Usage: chainsec export --out FILE [--incident ID] [--since ISO-8601]
                       [--incidents-table NAME] [--ledger-table NAME] [--key-id KEY]

Reads the decision ledger from DynamoDB (the ledger table, and the entries
still in the incidents' outboxes) and writes it as JSON Lines ending with a
checkpoint signed by KMS, the format "chainsec verify" reads. The file
appears at FILE only once it is complete (written to a temporary name in the
same directory, flushed, then renamed).

Options:
  --out FILE              where to write the export
  --incident ID           a partial export: that incident's chain only
  --since ISO-8601        a partial export: the whole chains of the incidents
                          with an entry at or after that time
  --incidents-table NAME  default: INCIDENTS_TABLE
  --ledger-table NAME     default: LEDGER_TABLE
  --key-id KEY            the KMS signing key (id, ARN or alias); default: SIGNING_KEY_ID
  -h, --help              show this help

Region, credentials and endpoints are the AWS SDK's (AWS_REGION, AWS_PROFILE,
AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_KMS, ...). Taking the checkpoint's
number writes one item of the incidents table (pk DOC#ledger-checkpoint).

Exit status: 0 written (last line "OK ..."), 1 written, but the ledger holds
conflicting entries (last line "FAIL ..." naming both), 2 unusable options or
AWS unreachable / denied (nothing written).`;

/** The ports an export uses. */
type ExportDeps = Pick<AppDeps, 'sideDocs' | 'ledger' | 'signer' | 'clock'>;

/** Where the command writes, and how it reaches AWS; injectable for tests. */
export interface ExportIo {
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** The ports the export uses; DynamoDB and KMS from the options by default. */
  deps?: (options: ExportOptions) => ExportDeps;
}

/** Per-call timeout of the CLI's AWS calls: an auditor waits longer than Slack does. */
const CALL_TIMEOUT_MS = 15_000;

function awsDeps(o: ExportOptions): ExportDeps {
  const { sideDocs, ledger } = createDynamoDbPorts({
    incidentsTable: o.incidentsTable,
    ledgerTable: o.ledgerTable,
    callTimeoutMs: CALL_TIMEOUT_MS,
  });
  return {
    sideDocs,
    ledger,
    signer: new KmsSigner({ keyId: o.keyId, callTimeoutMs: CALL_TIMEOUT_MS }),
    clock: systemClock,
  };
}

/**
 * Runs `chainsec export`.
 * @param args the arguments after `export`
 * @returns the exit code
 */
export async function exportCommand(args: readonly string[], io: ExportIo): Promise<number> {
  const options = readOptions(args, io);
  if (typeof options === 'number') return options;
  const scope: ExportScope = {
    ...(options.incidentId !== undefined && { incidentId: options.incidentId }),
    ...(options.since !== undefined && { since: options.since }),
  };
  let built: LedgerExport;
  try {
    io.err(`chainsec export: reading ${options.ledgerTable} and the outboxes in ${options.incidentsTable}`);
    built = await buildLedgerExport((io.deps ?? awsDeps)(options), scope);
    io.err(`chainsec export: read ${built.entries} entries in ${built.chains} chains; writing ${options.out}`);
    writeLinesAtomically(options.out, built.lines, {
      progress: (written, total) => io.err(`chainsec export: ${written} of ${total} lines written`),
    });
  } catch (e) {
    const err = e as Error;
    io.err(`error: nothing written to ${options.out}: ${err.name}: ${err.message}`);
    return 2;
  }
  return reportExport(io, options.out, scope, built);
}

/** The command's options, or the exit code when there is nothing to export (help shown: 0; unusable options: 2). */
function readOptions(args: readonly string[], io: ExportIo): ExportOptions | number {
  try {
    const values = commandArgs(
      args,
      {
        out: { type: 'string' },
        incident: { type: 'string' },
        since: { type: 'string' },
        'incidents-table': { type: 'string' },
        'ledger-table': { type: 'string' },
        'key-id': { type: 'string' },
      },
      EXPORT_USAGE,
      (line) => io.out(line),
      (message) => new ConfigInvalidError(message),
    );
    if (!values) return 0;
    return exportOptions(values, io.env);
  } catch (e) {
    io.err(`error: ${(e as Error).message}`);
    io.err(EXPORT_USAGE);
    return 2;
  }
}

/** Says what was written and names every conflict; the exit code is 1 when the ledger holds conflicting entries. */
function reportExport(io: ExportIo, out: string, scope: ExportScope, built: LedgerExport): number {
  io.out(`out: ${out}`);
  const partial = Object.keys(scope).length > 0 ? `, partial export (${describeScope(scope)})` : '';
  io.out(`checkpoint: seq ${built.checkpointSeq}${partial}`);
  for (const c of built.conflicts) {
    io.out(
      `conflict: incident ${printable(c.incidentId)} seq ${c.seq}: the ledger table holds entry ${c.ledgerTable}, ` +
        `the incident's outbox entry ${c.outbox}`,
    );
  }
  const first = built.conflicts[0];
  if (first) {
    io.out(
      `FAIL ${built.conflicts.length} conflicting entries; first at incident ${printable(first.incidentId)} ` +
        `seq ${first.seq}: ledger table ${first.ledgerTable} vs outbox ${first.outbox} ` +
        '(both exported; verify fails there)',
    );
    return 1;
  }
  io.out(`OK ${built.entries} entries in ${built.chains} chains exported${partial}`);
  return 0;
}
