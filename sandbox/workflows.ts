/**
 * Other teams' workflows in the sandbox (docs/INTERFACES.md#approval-requests-from-any-workflow): which ASL definitions
 * `POST /sandbox/state-machines` accepts. The local interpreter runs them
 * beside chainsec's own; their Task states may only publish to the sandbox's
 * SNS topics (so chainsec's ingest receives the message) or invoke the
 * stack's approval request function, with or without `.waitForTaskToken`.
 */

/** asl-validator ships no type declarations; this is the part of its API used here. */
type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
// asl-validator is CommonJS without type declarations.
const aslValidator = require('asl-validator') as AslValidator;

/** The Task resources a sandbox workflow may use. */
export const SANDBOX_TASK_RESOURCES = [
  'arn:aws:states:::sns:publish',
  'arn:aws:states:::sns:publish.waitForTaskToken',
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
] as const;

/** State types the local interpreter runs for other workflows (Task only as above). */
const ALLOWED_TYPES = new Set(['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Why a workflow was refused: `code` is stable, `message` says what to change. */
export class WorkflowRefused extends Error {
  public readonly status = 400;
  public constructor(
    public readonly code:
      | 'sandbox_invalid_name'
      | 'sandbox_invalid_definition'
      | 'sandbox_unsupported_state'
      | 'sandbox_unknown_topic'
      | 'sandbox_unknown_function',
    message: string,
    /** The state the refusal is about, when it is about one. */
    public readonly state?: string,
  ) {
    super(message);
    this.name = 'WorkflowRefused';
  }

  /** The 400 body the sandbox answers. */
  public toJSON(): Record<string, string> {
    return { error: this.code, message: this.message, ...(this.state !== undefined && { state: this.state }) };
  }
}

type State = {
  Type?: unknown;
  Resource?: unknown;
  Parameters?: Record<string, unknown>;
  Branches?: Machine[];
  Iterator?: Machine;
  ItemProcessor?: Machine;
};
type Machine = { States?: Record<string, State> };

/**
 * Checks a workflow for `POST /sandbox/state-machines`.
 * @param name the state machine's name (`[A-Za-z0-9_-]{1,80}`)
 * @param definition ASL, as an object or as JSON text
 * @param topics the topic ARNs its Task states may publish to
 * @param functions the names (and ARNs) of the functions its Task states may invoke
 * @returns the definition, parsed
 * @throws WorkflowRefused naming the field or state at fault
 */
export function checkWorkflow(
  name: unknown,
  definition: unknown,
  topics: readonly string[],
  functions: readonly string[] = [],
): object {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new WorkflowRefused('sandbox_invalid_name', 'name must be 1 to 80 of A-Z, a-z, 0-9, - and _');
  let parsed = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch (e) {
      throw new WorkflowRefused('sandbox_invalid_definition', `definition is not JSON: ${(e as Error).message}`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new WorkflowRefused('sandbox_invalid_definition', 'definition must be an ASL object (or its JSON text)');
  const result = aslValidator(parsed, { checkPaths: true, checkArn: true });
  if (!result.isValid)
    throw new WorkflowRefused('sandbox_invalid_definition', `definition is not valid ASL: ${result.errorsText('; ')}`);
  checkStates(parsed as Machine, { topics, functions });
  return parsed;
}

interface Reachable {
  topics: readonly string[];
  functions: readonly string[];
}

function checkStates(machine: Machine, reachable: Reachable): void {
  for (const [stateName, state] of Object.entries(machine.States ?? {})) {
    if (!ALLOWED_TYPES.has(String(state.Type)))
      throw new WorkflowRefused(
        'sandbox_unsupported_state',
        `state "${stateName}" is a ${String(state.Type)} state; the sandbox runs Task (SNS publish, or invoking the approval request function), Pass, Choice, Wait, Succeed, Fail, Parallel and Map`,
        stateName,
      );
    if (state.Type === 'Task') checkTask(stateName, state, reachable);
    for (const branch of state.Branches ?? []) checkStates(branch, reachable);
    if (state.Iterator) checkStates(state.Iterator, reachable);
    if (state.ItemProcessor) checkStates(state.ItemProcessor, reachable);
  }
}

function checkTask(stateName: string, state: State, { topics, functions }: Reachable): void {
  if (!(SANDBOX_TASK_RESOURCES as readonly unknown[]).includes(state.Resource))
    throw new WorkflowRefused(
      'sandbox_unsupported_state',
      `Task state "${stateName}" uses ${String(state.Resource)}; the sandbox runs only ${SANDBOX_TASK_RESOURCES.join(', ')}`,
      stateName,
    );
  if (String(state.Resource).startsWith('arn:aws:states:::lambda:')) {
    const fn = state.Parameters?.FunctionName;
    if (fn === undefined && state.Parameters?.['FunctionName.$'] !== undefined) return;
    if (typeof fn !== 'string' || !functions.includes(fn))
      throw new WorkflowRefused(
        'sandbox_unknown_function',
        `Task state "${stateName}" invokes ${String(fn)}; the sandbox's function is ${functions[0] ?? '(none)'} (approvalRequestFunction in GET /sandbox/info)`,
        stateName,
      );
    return;
  }
  const topic = state.Parameters?.TopicArn;
  // A TopicArn.$ path is only known at run time: the publish handler checks it then.
  if (topic === undefined && state.Parameters?.['TopicArn.$'] !== undefined) return;
  if (typeof topic !== 'string' || !topics.includes(topic))
    throw new WorkflowRefused(
      'sandbox_unknown_topic',
      `Task state "${stateName}" publishes to ${String(topic)}; the sandbox's topics are ${topics.join(', ')} (GET /sandbox/info)`,
      stateName,
    );
}
