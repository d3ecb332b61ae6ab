import { parseDocument, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * CloudFormation's YAML short forms (`!Ref X`, `!GetAtt A.B`, `!Sub '...'`,
 * ...) turned into the long JSON forms (`{"Ref": "X"}`,
 * `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": "..."}`), on scalar, sequence
 * and mapping nodes alike, so a template reads as CloudFormation sees it.
 */

/** Short-form tag names and the long-form key each stands for. */
const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  Base64: 'Fn::Base64',
  GetAZs: 'Fn::GetAZs',
  Cidr: 'Fn::Cidr',
};

/** `!GetAtt Resource.Attribute` is the one scalar short form whose long form is a list. */
function scalarValue(name: string, value: string): unknown {
  if (name !== 'GetAtt') return value;
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** The `yaml` package custom tags for every CloudFormation short form. */
export const CFN_TAGS: Array<ScalarTag | CollectionTag> = Object.entries(INTRINSICS).flatMap(([name, key]) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [key]: scalarValue(name, value) }) } as ScalarTag,
  { tag: `!${name}`, collection: 'seq', resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: seq.toJSON() }) } as CollectionTag,
  { tag: `!${name}`, collection: 'map', resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: map.toJSON() }) } as CollectionTag,
]);

/**
 * Parses a CloudFormation / SAM template written in YAML.
 * @throws an Error listing every YAML error (with line and column) when the text is not valid.
 */
export function parseCfnYaml(text: string): unknown {
  const doc = parseDocument(text, { customTags: CFN_TAGS, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new Error(`template is not valid YAML:\n${doc.errors.map((e) => e.message).join('\n')}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
