/**
 * Generates the JSON Schema of an approval request (docs/INTERFACES.md#approval-requests-from-any-workflow) from `ApprovalRequestSchema`, the zod
 * schema chainsec parses requests with, so the published file cannot drift from the parser:
 * `npm run schemas` writes it, test/unit/scripts/approvalRequestSchema.test.ts fails when the committed
 * file differs from what this generates.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { toJSONSchema } from 'zod/v4/core';
import { ApprovalRequestSchema, REQUEST_BOUNDS } from '../src/domain/messages';

/** Where the schema is published, relative to the repository root. */
export const APPROVAL_REQUEST_SCHEMA_PATH = 'schemas/approval-request.schema.json';

/**
 * The JSON Schema (draft 2020-12) of what a workflow may publish on the approval requests topic: the
 * input side of the zod schema (fields with defaults are optional).
 * @returns the schema's text, as committed (two-space JSON, trailing newline)
 */
export function approvalRequestJsonSchema(): string {
  const schema = toJSONSchema(ApprovalRequestSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  > & { properties: Record<string, Record<string, unknown>> };
  // The zod refinements JSON Schema cannot read off: the number of context entries, and incident-or-title.
  schema.properties.context = { ...schema.properties.context, maxProperties: REQUEST_BOUNDS.contextEntries };
  const published = {
    ...schema,
    anyOf: [{ required: ['incident'] }, { required: ['title'] }],
    title: 'chainsec approval request',
    description:
      'A message on the approval requests topic (sns:publish.waitForTaskToken). Generated from src/domain/messages.ts ApprovalRequestSchema by scripts/approvalRequestSchema.ts; do not edit.',
  };
  return `${JSON.stringify(published, null, 2)}\n`;
}

if (require.main === module) {
  const out = path.resolve(__dirname, '..', APPROVAL_REQUEST_SCHEMA_PATH);
  writeFileSync(out, approvalRequestJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}
