import * as z from 'zod/mini';
import '../domain/zodSetup';
import { ConfigInvalidError } from '../errors';

/**
 * Options of `chainsec export`: flags first, the environment the Lambda
 * functions use (`INCIDENTS_TABLE`, `LEDGER_TABLE`, `SIGNING_KEY_ID`) second.
 * Endpoints, region and credentials are not options: the AWS SDK reads them
 * (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_DYNAMODB`, ...).
 */

/** What `chainsec export` needs, checked. */
export interface ExportOptions {
  out: string;
  incidentsTable: string;
  ledgerTable: string;
  keyId: string;
  incidentId: string | undefined;
  /** ISO-8601, as given. */
  since: string | undefined;
}

const name = (what: string) => z.string().check(z.minLength(1, `${what} is empty`));

const OptionsSchema = z.object({
  out: name('--out'),
  incidentsTable: z.string().check(z.minLength(3, '--incidents-table or INCIDENTS_TABLE: at least 3 characters')),
  ledgerTable: z.string().check(z.minLength(3, '--ledger-table or LEDGER_TABLE: at least 3 characters')),
  keyId: name('--key-id or SIGNING_KEY_ID'),
  incidentId: z.optional(name('--incident')),
  since: z.optional(
    z
      .string()
      .check(z.refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d\d-\d\d/.test(s), '--since is not ISO-8601')),
  ),
});

const REQUIRED = {
  out: '--out FILE',
  incidentsTable: '--incidents-table (or INCIDENTS_TABLE)',
  ledgerTable: '--ledger-table (or LEDGER_TABLE)',
  keyId: '--key-id (or SIGNING_KEY_ID)',
} as const;

/**
 * Reads the flags' values over the environment.
 * @throws ConfigInvalidError naming every missing or malformed option
 */
export function exportOptions(
  flags: Partial<Record<'out' | 'incidents-table' | 'ledger-table' | 'key-id' | 'incident' | 'since', string>>,
  env: Readonly<Record<string, string | undefined>>,
): ExportOptions {
  const raw = {
    out: flags.out,
    incidentsTable: flags['incidents-table'] ?? env.INCIDENTS_TABLE,
    ledgerTable: flags['ledger-table'] ?? env.LEDGER_TABLE,
    keyId: flags['key-id'] ?? env.SIGNING_KEY_ID,
    incidentId: flags.incident,
    since: flags.since,
  };
  const missing = (Object.keys(REQUIRED) as Array<keyof typeof REQUIRED>).filter((k) => raw[k] === undefined);
  if (missing.length > 0) {
    throw new ConfigInvalidError(`missing ${missing.map((k) => REQUIRED[k]).join(', ')}`, { missing });
  }
  const parsed = OptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigInvalidError(parsed.error.issues.map((i) => i.message).join('; '), { issues: parsed.error.issues });
  }
  const o = parsed.data;
  return { ...o, incidentId: o.incidentId, since: o.since };
}
