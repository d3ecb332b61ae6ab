import { readFileSync } from 'node:fs';
import YAML, { type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * A small CloudFormation-aware YAML reader for the infra tests: the short
 * forms (`!Ref`, `!GetAtt`, `!Sub`, `!If`, ...) become their long JSON forms
 * (`{ Ref }`, `{ "Fn::GetAtt": [..] }`, `{ "Fn::Sub": .. }`), exactly as
 * CloudFormation reads them, so the result can be checked with JSON Schema.
 */

/** Short-form tags and the key of their long form. */
const FUNCTIONS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
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

/** `!GetAtt A.B.C` is `["A", "B.C"]`: the first dot separates resource and attribute. */
function getAttScalar(text: string): unknown {
  const dot = text.indexOf('.');
  return dot === -1 ? text : [text.slice(0, dot), text.slice(dot + 1)];
}

function buildTags(): Tags {
  const tags: Tags = [];
  for (const [name, key] of Object.entries(FUNCTIONS)) {
    tags.push({
      tag: `!${name}`,
      resolve: (text: string) => ({ [key]: name === 'GetAtt' ? getAttScalar(text) : text }),
    });
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: (seq) => ({ [key]: (seq as YAMLSeq).toJSON() }) });
    tags.push({ tag: `!${name}`, collection: 'map', resolve: (map) => ({ [key]: (map as YAMLMap).toJSON() }) });
  }
  return tags;
}

const CFN_TAGS = buildTags();

/** A CloudFormation / SAM template, loosely typed. */
export interface CfnResource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Parameters?: Record<string, { Type: string; Default?: string; AllowedValues?: string[]; AllowedPattern?: string }>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

/**
 * Parses CloudFormation YAML (or JSON) text.
 * @throws Error when the text is not valid YAML or uses an unknown `!Tag`
 */
export function parseCfnYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { customTags: CFN_TAGS, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) throw new Error(unknownTag.message);
  return doc.toJS({ maxAliasCount: -1 });
}

/** Reads and parses a template file. */
export function loadTemplate(file: string): CfnTemplate {
  return parseCfnYaml(readFileSync(file, 'utf8')) as CfnTemplate;
}

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
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, visit, [...path, String(i)]));
  else if (node !== null && typeof node === 'object') {
    for (const [k, child] of Object.entries(node)) walk(child, visit, [...path, k]);
  }
}
