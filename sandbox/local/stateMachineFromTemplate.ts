import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigInvalidError } from '../../src/errors';
import { type CfnObject, isCfnObject, parseCfnYaml } from './cfnYaml';

/** Inputs of {@link stateMachineFromTemplate}. */
export interface TemplateStateMachineOptions {
  /** Path of template.yaml; `DefinitionUri` is read relative to it. */
  templatePath: string;
  /** Logical id of the `AWS::Serverless::StateMachine`. */
  logicalId: string;
  /**
   * The environment the functions get. A template parameter that feeds a
   * function variable (`Globals.Function.Environment.Variables.X: !Ref P`) takes
   * the variable's value here, else its `Default`: the definition and the
   * functions then read one configuration, as in a deployed stack.
   */
  env: Readonly<Record<string, string | undefined>>;
  /** What `Ref` (topics) and `Fn::GetAtt X.Arn` (functions) answer, by logical id. */
  resourceArns: Readonly<Record<string, string>>;
}

/** A state machine as the template deploys it. */
export interface TemplateStateMachine {
  /** The ASL, substitutions applied. */
  definition: Record<string, unknown>;
  /** Each `DefinitionSubstitutions` key and the value it resolved to. */
  substitutions: Record<string, string>;
  /** The template's parameters with the values they took (defaults, or from the environment). */
  parameters: Record<string, string>;
}

/** Template parameter values: defaults, overridden through the function variables they feed. */
function parameterValues(template: CfnObject, env: TemplateStateMachineOptions['env']): Record<string, string> {
  const declared = isCfnObject(template.Parameters) ? template.Parameters : {};
  const values: Record<string, string> = {};
  for (const [name, p] of Object.entries(declared)) {
    if (isCfnObject(p) && p.Default !== undefined) values[name] = String(p.Default);
  }
  const globals =
    isCfnObject(template.Globals) && isCfnObject(template.Globals.Function) ? template.Globals.Function : {};
  const vars =
    isCfnObject(globals.Environment) && isCfnObject(globals.Environment.Variables) ? globals.Environment.Variables : {};
  for (const [variable, value] of Object.entries(vars)) {
    const name = isCfnObject(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
    const given = env[variable];
    if (name === undefined || !(name in declared) || given === undefined) continue;
    const allowed = (declared[name] as CfnObject).AllowedValues;
    if (Array.isArray(allowed) && !allowed.map(String).includes(given)) {
      throw new ConfigInvalidError(
        `${variable}: ${given} is not a value of template parameter ${name} (one of ${allowed.join(', ')})`,
        { field: variable },
      );
    }
    values[name] = given;
  }
  return values;
}

/** Resolves the intrinsics a substitution may use: Ref, Fn::GetAtt (Arn) and Fn::FindInMap. */
function resolve(
  value: unknown,
  template: CfnObject,
  parameters: Record<string, string>,
  arns: Readonly<Record<string, string>>,
): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isCfnObject(value) && typeof value.Ref === 'string') {
    const name = value.Ref;
    const found = parameters[name] ?? arns[name];
    if (found === undefined) throw new Error(`substitution: Ref ${name} is neither a parameter nor a known resource`);
    return found;
  }
  if (isCfnObject(value) && value['Fn::GetAtt'] !== undefined) {
    const att = value['Fn::GetAtt'];
    const [id, attribute] = Array.isArray(att) ? (att as string[]) : String(att).split('.');
    const arn = id === undefined ? undefined : arns[id];
    if (attribute !== 'Arn' || arn === undefined) {
      throw new Error(`substitution: GetAtt ${String(id)}.${String(attribute)} unknown`);
    }
    return arn;
  }
  if (isCfnObject(value) && Array.isArray(value['Fn::FindInMap'])) {
    const args = value['Fn::FindInMap'] as unknown[];
    const [map, first, second] = args.map((v) => resolve(v, template, parameters, arns));
    const mappings = isCfnObject(template.Mappings) ? template.Mappings : {};
    const row = isCfnObject(mappings[map!]) ? (mappings[map!] as CfnObject)[first!] : undefined;
    const found = isCfnObject(row) ? row[second!] : undefined;
    if (found === undefined) throw new Error(`substitution: Mappings ${map}.${first}.${second} does not exist`);
    return String(found);
  }
  throw new Error(`substitution: ${JSON.stringify(value)} is not supported by the sandbox`);
}

/**
 * The state machine `logicalId` of the template as CloudFormation would create
 * it: its `DefinitionUri` file with every `DefinitionSubstitutions` value
 * resolved and put in place of its `${Name}` (text substitution, as Step
 * Functions does it, so numbers go in unquoted).
 * @throws ConfigInvalidError when a variable gives a parameter a value it does not allow;
 *   Error when the template or the definition cannot be read
 */
export function stateMachineFromTemplate(options: TemplateStateMachineOptions): TemplateStateMachine {
  const template = parseCfnYaml(readFileSync(options.templatePath, 'utf8'));
  if (!isCfnObject(template) || !isCfnObject(template.Resources)) throw new Error('template has no Resources');
  const resource = template.Resources[options.logicalId];
  const props = isCfnObject(resource) && isCfnObject(resource.Properties) ? resource.Properties : undefined;
  if (!props || typeof props.DefinitionUri !== 'string') {
    throw new Error(`template has no state machine ${options.logicalId} with a DefinitionUri`);
  }
  const parameters = parameterValues(template, options.env);
  const raw = isCfnObject(props.DefinitionSubstitutions) ? props.DefinitionSubstitutions : {};
  const substitutions = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [key, resolve(value, template, parameters, options.resourceArns)]),
  );
  const text = readFileSync(path.resolve(path.dirname(options.templatePath), props.DefinitionUri), 'utf8');
  const substituted = text.replace(/\$\{(?!!)([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`${props.DefinitionUri}: placeholder \${${name}} has no substitution`);
    return value;
  });
  return { definition: JSON.parse(substituted) as Record<string, unknown>, substitutions, parameters };
}
