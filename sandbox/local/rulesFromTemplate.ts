import { ConfigInvalidError } from '../../src/errors';
import { eventMatches } from './eventPattern';
import { type CfnTemplate, isCfnObject, loadTemplate } from './cfnYaml';

/** An EventBridge rule of template.yaml: a SAM `EventBridgeRule`/`CloudWatchEvent` event on a function or state machine. */
export interface TemplateRule {
  /** Logical id of the function or state machine the rule targets. */
  target: string;
  /** Name of the event under the target's `Events`. */
  name: string;
  /** The pattern, parameters resolved to their values. */
  pattern: unknown;
  /** `InputPath` (`$` or `$.field`), if the rule narrows the event. */
  inputPath?: string;
}

function resolve(value: unknown, template: CfnTemplate, parameters: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, template, parameters));
  if (!isCfnObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const name = String(value.Ref);
    const v = parameters[name] ?? template.Parameters?.[name]?.Default;
    if (v === undefined) throw new ConfigInvalidError(`event pattern refers to ${name}, which has no value`);
    return v;
  }
  if (keys.length === 1 && keys[0] === 'Fn::FindInMap') {
    const [map, top, second] = (value['Fn::FindInMap'] as unknown[]).map((a) =>
      String(resolve(a, template, parameters)),
    );
    const found = template.Mappings?.[map!]?.[top!]?.[second!];
    if (found === undefined) throw new ConfigInvalidError(`FindInMap ${map}.${top}.${second} has no value`);
    return found;
  }
  if (keys.length === 1 && keys[0]!.startsWith('Fn::'))
    throw new ConfigInvalidError(`event pattern uses ${keys[0]}, which the sandbox does not resolve`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, template, parameters)]));
}

/**
 * The EventBridge rules template.yaml deploys, read from the template so the sandbox routes events
 * exactly as the stack does.
 * @param templatePath path of template.yaml
 * @param parameters parameter values overriding the template's defaults
 */
export function rulesFromTemplate(
  templatePath: string,
  parameters: Readonly<Record<string, string>> = {},
): TemplateRule[] {
  const template = loadTemplate(templatePath);
  const rules: TemplateRule[] = [];
  for (const [target, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Serverless::Function' && resource.Type !== 'AWS::Serverless::StateMachine') continue;
    const events = resource.Properties?.Events;
    if (!isCfnObject(events)) continue;
    for (const [name, event] of Object.entries(events)) {
      if (!isCfnObject(event) || (event.Type !== 'EventBridgeRule' && event.Type !== 'CloudWatchEvent')) continue;
      const props = isCfnObject(event.Properties) ? event.Properties : {};
      if (props.Pattern === undefined) continue;
      rules.push({
        target,
        name,
        pattern: resolve(props.Pattern, template, parameters),
        ...(typeof props.InputPath === 'string' ? { inputPath: props.InputPath } : {}),
      });
    }
  }
  return rules;
}

/**
 * The rules an event matches, each with the input its target receives.
 * @param rules from {@link rulesFromTemplate}
 * @param event one EventBridge event as delivered
 */
export function routeEvent(rules: readonly TemplateRule[], event: unknown): { rule: TemplateRule; input: unknown }[] {
  return rules
    .filter((r) => eventMatches(r.pattern, event))
    .map((rule) => ({ rule, input: applyInputPath(rule.inputPath, event) }));
}

function applyInputPath(inputPath: string | undefined, event: unknown): unknown {
  if (inputPath === undefined || inputPath === '$') return event;
  const m = /^\$\.([A-Za-z0-9_-]+)$/.exec(inputPath);
  if (!m) throw new ConfigInvalidError(`InputPath ${inputPath} is not supported by the sandbox`);
  return isCfnObject(event) ? event[m[1]!] : undefined;
}
