import { readFileSync } from 'node:fs';
import { parseDocument, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * CloudFormation's YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub '...'`,
 * ...) turned into the long JSON forms (`{"Ref": "X"}`,
 * `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": "..."}`), on scalar, sequence
 * and mapping nodes alike, so a template reads as CloudFormation sees it.
 * The one reader of the project: the sandbox builds its tables from the
 * template with it, and the infra tests check the template through it.
 */

/** Short-form tag names and the long-form key each stands for. */
const INTRINSICS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Not: 'Fn::Not',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Transform: 'Fn::Transform',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
  Contains: 'Fn::Contains',
  EachMemberEquals: 'Fn::EachMemberEquals',
  ValueOf: 'Fn::ValueOf',
};

/** `!GetAtt Resource.Attribute` is the one scalar short form whose long form is a list; the first dot splits it. */
function scalarValue(name: string, value: string): unknown {
  if (name !== 'GetAtt') return value;
  const dot = value.indexOf('.');
  return dot < 0 ? value : [value.slice(0, dot), value.slice(dot + 1)];
}

/** The `yaml` package custom tags for every CloudFormation short form. */
const CFN_TAGS: Array<ScalarTag | CollectionTag> = Object.entries(INTRINSICS).flatMap(([name, key]) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [key]: scalarValue(name, value) }) } as ScalarTag,
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: seq.toJSON() }),
  } as CollectionTag,
  {
    tag: `!${name}`,
    collection: 'map',
    resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: map.toJSON() }),
  } as CollectionTag,
]);

/** A resource of a CloudFormation / SAM template, loosely typed. */
export interface CfnResource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}

/** A CloudFormation / SAM template, loosely typed. */
export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Parameters?: Record<string, { Type: string; Default?: string; AllowedValues?: string[]; AllowedPattern?: string }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Rules?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

/**
 * Parses a CloudFormation / SAM template written in YAML (or JSON).
 * @throws an Error listing every YAML error (with line and column) when the text is not valid,
 *   or naming the tag when it uses a `!Tag` CloudFormation does not know.
 */
export function parseCfnYaml(text: string): unknown {
  const doc = parseDocument(text, { customTags: CFN_TAGS, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new Error(`template is not valid YAML:\n${doc.errors.map((e) => e.message).join('\n')}`);
  }
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) throw new Error(`template uses an unknown tag: ${unknownTag.message}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** Reads and parses a template file. */
export function loadTemplate(file: string): CfnTemplate {
  return parseCfnYaml(readFileSync(file, 'utf8')) as CfnTemplate;
}

/** A template's mapping node (a resource, its properties, an intrinsic function), as read. */
export type CfnObject = Record<string, unknown>;

/** Whether a template value is a mapping (not a list, a scalar or null). */
export const isCfnObject = (v: unknown): v is CfnObject => typeof v === 'object' && v !== null && !Array.isArray(v);
