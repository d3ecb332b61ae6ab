import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** asl-validator ships no type declarations; this is the part of its API used here. */
type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errors: Array<{ message?: string }>; errorsText: (separator?: string) => string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as AslValidator;

const DIR = path.resolve(__dirname, '../../../statemachine');

/**
 * The definition with its numeric placeholders (`${...Seconds}`, substituted
 * unquoted, as Step Functions substitutes text) given a sample value, and its
 * ARN placeholders left as written: JSON the validator can read.
 */
function asWritten(text: string): string {
  return text.replace(/\$\{([A-Za-z0-9_]+Seconds)\}/g, '3900');
}

/** What SAM's DefinitionSubstitutions put in place of the placeholders, in shape. */
function substituted(text: string): string {
  return asWritten(text).replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, name: string) =>
    name.endsWith('FunctionArn')
      ? `arn:aws:lambda:eu-west-1:123456789012:function:chainsec-dev-${name.replace(/FunctionArn$/, '').toLowerCase()}`
      : `arn:aws:sns:eu-west-1:123456789012:chainsec-dev-${name.replace(/TopicArn$/, '').toLowerCase()}`,
  );
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.asl.json'));

describe('File: statemachine/*.asl.json', () => {
  it('finds the incident-response definition', () => {
    // Prepare
    const expected = 'incident-response.asl.json';

    // Act
    const found = files;

    // Assess
    expect(found).toContain(expected);
  });

  it.each(files)('%s passes asl-validator, as written and with the substitutions applied', (file) => {
    // Prepare
    const text = readFileSync(path.join(DIR, file), 'utf8');

    // Act
    const raw = aslValidator(JSON.parse(asWritten(text)));
    const deployed = aslValidator(JSON.parse(substituted(text)));

    // Assess
    expect(raw.errorsText('\n')).toBe('');
    expect(raw.isValid).toBe(true);
    expect(deployed.errorsText('\n')).toBe('');
    expect(deployed.isValid).toBe(true);
  });

  it('rejects a definition whose Next names a missing state', () => {
    // Prepare
    const definition = JSON.parse(asWritten(readFileSync(path.join(DIR, 'incident-response.asl.json'), 'utf8'))) as {
      States: Record<string, { Next?: string }>;
    };
    definition.States.Classify!.Next = 'NoSuchState';

    // Act
    const result = aslValidator(definition);

    // Assess
    expect(result.isValid).toBe(false);
    expect(result.errorsText('\n')).toMatch(/NoSuchState/);
  });
});
