import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnResource, CfnTemplate } from '../../../sandbox/local/cfnYaml';

/**
 * Checks on a parsed template that JSON Schema cannot express. Each returns
 * the problems it found (empty when the template is fine), so the tests can
 * prove on a broken copy that a check does fail.
 */

/** A deep copy (templates are plain JSON once parsed). */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Logical ids and resources of one type. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Visits every value of a JSON tree with its path. */
export function walk(node: unknown, visit: (value: unknown, path: string[]) => void, path: string[] = []): void {
  visit(node, path);
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) walk(child, visit, [...path, String(i)]);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, child] of Object.entries(node)) walk(child, visit, [...path, k]);
  }
}

/** An IAM-style statement (role policy, key policy, topic or queue policy) and where it is. */
export interface FoundStatement {
  path: string;
  statement: Record<string, unknown>;
}

/** Every object that looks like a policy statement, in any branch of any `Fn::If`. */
export function policyStatements(template: CfnTemplate): FoundStatement[] {
  const found: FoundStatement[] = [];
  walk(template.Resources, (value, at) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const o = value as Record<string, unknown>;
    if ('Effect' in o && ('Action' in o || 'NotAction' in o)) found.push({ path: at.join('.'), statement: o });
  });
  return found;
}

/** The action strings of a statement (plain strings only; intrinsics are returned as JSON). */
export function actionsOf(statement: Record<string, unknown>): string[] {
  const raw = statement.Action ?? statement.NotAction;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
}

/** Allow statements whose Action contains a `*`, and any statement with a NotAction. */
export function wildcardActions(template: CfnTemplate): string[] {
  return (
    policyStatements(template)
      // A wildcard in a Deny only takes away (the anchors bucket's TLS-only `s3:*`); a NotAction never.
      .filter(({ statement }) => statement.Effect !== 'Deny' || 'NotAction' in statement)
      .filter(({ statement }) => actionsOf(statement).some((a) => a.includes('*')) || 'NotAction' in statement)
      .map(({ path: at, statement }) => `${at}: ${actionsOf(statement).join(', ')}`)
  );
}

/** SAM policy templates and managed policies named in `Policies` (only inline documents are wanted). */
export function nonInlinePolicies(template: CfnTemplate): string[] {
  const out: string[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (!r.Type.startsWith('AWS::Serverless::')) continue;
    const policies = r.Properties?.Policies;
    const list = policies === undefined ? [] : Array.isArray(policies) ? policies : [policies];
    for (const p of list) {
      if (typeof p === 'string') out.push(`${id}: managed policy ${p}`);
      else if (p && typeof p === 'object' && !('Statement' in p))
        out.push(`${id}: policy template ${Object.keys(p).join(',')}`);
    }
  }
  return out;
}

/** `${Name}` placeholders in a definition (skipping `${!Literal}` escapes). */
export function placeholders(definition: string): Set<string> {
  return new Set([...definition.matchAll(/\$\{(?!!)([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!));
}

/** Keys not used by the definition, and placeholders with no key. */
export function substitutionProblems(definition: string, substitutions: Record<string, unknown>): string[] {
  const used = placeholders(definition);
  const keys = new Set(Object.keys(substitutions));
  return [
    ...[...keys].filter((k) => !used.has(k)).map((k) => `substitution ${k} is not used by the definition`),
    ...[...used].filter((k) => !keys.has(k)).map((k) => `placeholder \${${k}} has no substitution`),
  ];
}

/** A `Ref` or `Fn::GetAtt` target's logical id, if the value is one. */
export function refTarget(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.Ref === 'string') return o.Ref;
  const att = o['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  if (typeof att === 'string') return att.split('.')[0];
  return undefined;
}

const ASYNC_FUNCTION_EVENTS = new Set([
  'EventBridgeRule',
  'Schedule',
  'CloudWatchEvent',
  'SNS',
  'S3',
  'CloudWatchLogs',
  'IoTRule',
  'Cognito',
]);
const POLLED_EVENTS = new Set(['SQS', 'Kinesis', 'DynamoDB', 'MSK', 'MQ', 'SelfManagedKafka', 'DocumentDB']);

/**
 * Every asynchronous delivery must end somewhere inspectable when it fails:
 * EventBridge targets need a DeadLetterConfig, functions invoked
 * asynchronously an on-failure destination (or DLQ), SQS sources a queue with
 * a RedrivePolicy, stream mappings (DynamoDB, Kinesis) an OnFailure
 * destination, and SNS subscriptions a RedrivePolicy.
 */
export function asyncWithoutDeadLetter(template: CfnTemplate): string[] {
  const problems: string[] = [];
  const res = template.Resources;
  for (const [id, r] of Object.entries(res)) {
    const props = r.Properties ?? {};
    if (r.Type === 'AWS::Serverless::Function' || r.Type === 'AWS::Serverless::StateMachine') {
      const events = (props.Events ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      let invokedAsync = false;
      for (const [name, e] of Object.entries(events)) {
        const ep = e.Properties ?? {};
        if (['EventBridgeRule', 'Schedule', 'CloudWatchEvent', 'ScheduleV2'].includes(e.Type) && !ep.DeadLetterConfig) {
          problems.push(`${id}.${name}: ${e.Type} target without DeadLetterConfig`);
        }
        if (r.Type === 'AWS::Serverless::Function' && ASYNC_FUNCTION_EVENTS.has(e.Type)) invokedAsync = true;
        if (r.Type === 'AWS::Serverless::Function' && e.Type === 'ScheduleV2') invokedAsync = true;
        if (POLLED_EVENTS.has(e.Type) && e.Type === 'SQS') {
          const queueId = refTarget(ep.Queue);
          const queue = queueId ? res[queueId] : undefined;
          const redrive = queue?.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
          if (!redrive?.deadLetterTargetArn)
            problems.push(`${id}.${name}: SQS source ${queueId ?? '?'} has no RedrivePolicy`);
        }
        if (e.Type === 'DynamoDB' || e.Type === 'Kinesis') {
          const destination = ep.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
          if (!destination?.OnFailure?.Destination) {
            problems.push(`${id}.${name}: ${e.Type} stream mapping without an OnFailure destination`);
          }
        }
      }
      if (invokedAsync) {
        const onFailure = (
          props.EventInvokeConfig as { DestinationConfig?: { OnFailure?: { Destination?: unknown } } } | undefined
        )?.DestinationConfig?.OnFailure?.Destination;
        if (!onFailure && !props.DeadLetterQueue)
          problems.push(`${id}: invoked asynchronously without an on-failure destination or DLQ`);
      }
    }
    if (r.Type === 'AWS::Events::Rule') {
      const targets = (props.Targets ?? []) as Array<Record<string, unknown>>;
      for (const t of targets)
        if (!t.DeadLetterConfig) problems.push(`${id}: target ${String(t.Id)} without DeadLetterConfig`);
    }
    if (r.Type === 'AWS::Scheduler::Schedule') {
      const target = props.Target as Record<string, unknown> | undefined;
      if (!target?.DeadLetterConfig) problems.push(`${id}: schedule target without DeadLetterConfig`);
    }
    if (r.Type === 'AWS::SNS::Subscription' && ['sqs', 'lambda', 'https', 'http'].includes(String(props.Protocol))) {
      if (!props.RedrivePolicy) problems.push(`${id}: subscription without RedrivePolicy`);
    }
  }
  return problems;
}

/**
 * The handler each Makefile `build-<LogicalId>` target bundles, by target:
 * recipes are `$(BUILD) <name>`, where BUILD must end in `--only`.
 */
export function makefileTargets(makefile: string): Map<string, string> {
  const targets = new Map<string, string>();
  if (!/^BUILD = node scripts\/build\.mjs --outdir "\$\(ARTIFACTS_DIR\)" --only$/m.test(makefile)) return targets;
  for (const m of makefile.matchAll(/^build-([A-Za-z0-9]+):[ \t]*\n\t\$\(BUILD\) ([A-Za-z0-9_-]+)[ \t]*$/gm))
    targets.set(m[1]!, m[2]!);
  return targets;
}

/**
 * The file scripts/build.mjs bundles as `name`: `example<Dir>` is
 * examples/<dir>/handler.ts, any other name src/handlers/<name>.ts.
 */
export function bundleSource(name: string): string {
  const example = /^example([A-Z][A-Za-z0-9]*)$/.exec(name);
  if (example) return `examples/${example[1]![0]!.toLowerCase()}${example[1]!.slice(1)}/handler.ts`;
  return `src/handlers/${name}.ts`;
}

/**
 * Resolves a function's build to a source file, or says why not: BuildMethod
 * makefile, a Makefile target build-<id> that bundles a file of
 * scripts/build.mjs ({@link bundleSource}), and Handler "index.<export>"
 * naming an export of that file.
 */
export function handlerProblems(
  id: string,
  fn: CfnResource,
  globals: Record<string, unknown>,
  root: string,
  makefile: string,
): string[] {
  const props = fn.Properties ?? {};
  const handler = (props.Handler ?? globals.Handler) as string | undefined;
  const codeUri = (props.CodeUri ?? globals.CodeUri) as string | undefined;
  if (typeof handler !== 'string' || typeof codeUri !== 'string')
    return [`${id}: Handler and CodeUri must be plain strings`];
  if (fn.Metadata?.BuildMethod !== 'makefile')
    return [`${id}: BuildMethod must be makefile (the Makefile runs scripts/build.mjs)`];
  const match = /^index\.([A-Za-z0-9_$]+)$/.exec(handler);
  if (!match)
    return [`${id}: Handler ${handler} must be index.<export> (the build writes index.js at the artifact root)`];
  const exported = match[1]!;
  const name = makefileTargets(makefile).get(id);
  if (!name) return [`${id}: no Makefile target build-${id}`];
  const relative = bundleSource(name);
  const file = path.resolve(root, codeUri, relative);
  if (!existsSync(file)) return [`${id}: build-${id} bundles ${name}, but ${relative} does not exist`];
  const source = readFileSync(file, 'utf8');
  const exportRe = new RegExp(
    `export\\s+(?:async\\s+)?(?:function\\s+${exported}\\b|(?:const|let)\\s+${exported}\\b)|export\\s*\\{[^}]*\\b${exported}\\b`,
  );
  return exportRe.test(source) ? [] : [`${id}: ${relative} does not export ${exported}`];
}

/** Values for resolving intrinsics without AWS: parameters (defaults unless given) and pseudo parameters. */
export interface ResolveContext {
  template: CfnTemplate;
  parameters: Record<string, string>;
}

const PSEUDO: Record<string, string> = {
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'chainsec-test',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Marks a value removed by `AWS::NoValue`. */
export const NO_VALUE = Symbol('AWS::NoValue');

function refValue(name: string, ctx: ResolveContext): string | typeof NO_VALUE {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name in PSEUDO) return PSEUDO[name]!;
  if (name in ctx.parameters) return ctx.parameters[name]!;
  const p = ctx.template.Parameters?.[name];
  if (p) {
    if (p.Default === undefined) throw new Error(`parameter ${name} has no default; pass it`);
    return p.Default;
  }
  const r = ctx.template.Resources[name];
  if (!r) throw new Error(`Ref to unknown ${name}`);
  // A stand-in that looks like what Ref returns for common types.
  if (r.Type === 'AWS::SNS::Topic') return `arn:aws:sns:eu-west-1:123456789012:${name}`;
  if (r.Type === 'AWS::SecretsManager::Secret')
    return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
  return name;
}

/** Evaluates a named condition. */
export function evaluateCondition(name: string, ctx: ResolveContext): boolean {
  const c = ctx.template.Conditions?.[name];
  if (c === undefined) throw new Error(`unknown condition ${name}`);
  return Boolean(resolveValue(c, ctx));
}

/** Resolves Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition, Fn::Join and Fn::FindInMap. */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const arg = o[k];
    switch (k) {
      case 'Ref':
        return refValue(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [res, att] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        if (!ctx.template.Resources[res!]) throw new Error(`GetAtt of unknown ${res}`);
        return att === 'Arn' ? `arn:aws:test:eu-west-1:123456789012:${res}` : `${res}.${att}`;
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return text.replace(/\$\{(?!!)([A-Za-z0-9_:.]+)\}/g, (_m, name: string) => {
          if (name in vars) return String(resolveValue(vars[name], ctx));
          if (name.includes('.') && !name.startsWith('AWS::'))
            return String(resolveValue({ 'Fn::GetAtt': name.split('.') }, ctx));
          return String(refValue(name, ctx));
        });
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, unknown[]];
        return (resolveValue(list, ctx) as unknown[]).join(sep);
      }
      case 'Fn::If': {
        const [cond, yes, no] = arg as [string, unknown, unknown];
        return resolveValue(evaluateCondition(cond, ctx) ? yes : no, ctx);
      }
      case 'Fn::Equals': {
        const [a, b] = arg as [unknown, unknown];
        return resolveValue(a, ctx) === resolveValue(b, ctx);
      }
      case 'Fn::Not':
        return !resolveValue((arg as unknown[])[0], ctx);
      case 'Fn::And':
        return (arg as unknown[]).every((c) => resolveValue(c, ctx));
      case 'Fn::Or':
        return (arg as unknown[]).some((c) => resolveValue(c, ctx));
      case 'Condition':
        return evaluateCondition(String(arg), ctx);
      case 'Fn::FindInMap': {
        const [map, first, second] = (arg as unknown[]).map((v) => String(resolveValue(v, ctx)));
        const row = (ctx.template.Mappings?.[map!] as Record<string, Record<string, unknown>> | undefined)?.[first!];
        if (row?.[second!] === undefined) throw new Error(`Mappings ${map}.${first}.${second} does not exist`);
        return row[second!];
      }
      default:
        if (k.startsWith('Fn::')) throw new Error(`${k} is not supported by this resolver`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const r = resolveValue(v, ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

/** The environment a function gets: Globals merged with its own variables, resolved. */
export function functionEnvironment(template: CfnTemplate, id: string, ctx: ResolveContext): Record<string, string> {
  const globalVars =
    (template.Globals?.Function?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const ownVars =
    (template.Resources[id]?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {};
  const resolved = resolveValue({ ...globalVars, ...ownVars }, ctx) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, String(v)]));
}

/** Every `.ts` file under a folder. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return d.isFile() && d.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * Whether a Lambda event filter pattern matches an event, for the subset of
 * the EventBridge pattern language the template uses: nested objects, lists
 * of exact values, and `{"exists": true|false}`. As in EventBridge, an array
 * in the event matches when any of its elements does (arrays of objects are
 * looked into). A test aid, not AWS's engine.
 */
export function patternMatches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(event)) return event.some((e) => patternMatches(pattern, e));
  if (Array.isArray(pattern)) {
    return pattern.some((p) => (existsRule(p) ? (event !== undefined) === p.exists : p === event));
  }
  if (pattern === null || typeof pattern !== 'object') return false;
  return Object.entries(pattern).every(([k, p]) => {
    const value = event !== null && typeof event === 'object' ? (event as Record<string, unknown>)[k] : undefined;
    if (value === undefined) return Array.isArray(p) && p.some((x) => existsRule(x) && !x.exists);
    return patternMatches(p, value);
  });
}

function existsRule(p: unknown): p is { exists: boolean } {
  return p !== null && typeof p === 'object' && 'exists' in p;
}
