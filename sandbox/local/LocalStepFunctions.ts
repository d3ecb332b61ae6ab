import { randomBytes, randomUUID } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { AwsError, AwsJsonServer, epochSeconds, type AwsJsonOperation } from './AwsJsonServer';

/** What a task handler is told besides its input. */
export interface TaskContext {
  executionArn: string;
  stateName: string;
  /** For `.waitForTaskToken` states: the token that SendTaskSuccess/Failure must quote. */
  taskToken?: string;
}

/**
 * Runs one Task state locally. For a `.waitForTaskToken` state it only
 * delivers the request (e.g. publishes to SNS); its result is ignored and the
 * state waits for SendTaskSuccess/Failure. Throwing fails the state with the
 * error's `name`, which `Retry`/`Catch` match.
 */
export type TaskHandler = (input: unknown, context: TaskContext) => Promise<unknown>;

/** Options of {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  /** The ASL definition, placeholders already substituted. */
  definition: object;
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  stateMachineArn: string;
  /** By state name, or by `Resource` for every state that uses it. Every Task state needs one. */
  taskHandlers: Record<string, TaskHandler>;
  port?: number;
  /** Milliseconds to wait between retries instead of IntervalSeconds/BackoffRate, by state name (tests). */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Milliseconds for Wait states instead of their Seconds/Timestamp, by state name (tests). */
  waitTimeOverrides?: Record<string, number>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One execution as {@link LocalStepFunctions.describe} reports it (input and output parsed). */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
}

/** A task waiting for SendTaskSuccess/Failure. */
export interface WaitingTask {
  taskToken: string;
  executionArn: string;
  stateName: string;
  since: Date;
}

/** One SendTaskSuccess request that quoted a token of an execution (tests and benchmarks). */
export interface TaskSuccessRequest {
  /** `performance.now()` when the request was read (same process clock as the sandbox). */
  at: number;
  /** `resumed`, or the error code it was answered with (`TaskTimedOut`, ...). */
  outcome: string;
}

/** The library's execution events (StateEntered, StateFailed, ExecutionSucceeded, ...). */
export type ExecutionEvent = { type: string; timestamp: number; [key: string]: unknown };

/** One state machine the server runs: its interpreter, its Task states and their handlers. */
interface Machine {
  arn: string;
  definition: object;
  interpreter: StateMachine;
  tasks: Map<string, AslState>;
  handlers: Record<string, TaskHandler>;
  arnPrefix: string;
}

/** What {@link LocalStepFunctions.addStateMachine} takes. */
export interface StateMachineSpec {
  /** The ASL definition, placeholders already substituted. */
  definition: object;
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>`. */
  stateMachineArn: string;
  /** By state name, or by `Resource` for every state that uses it. Every Task state needs one. */
  taskHandlers: Record<string, TaskHandler>;
}

interface Execution extends ExecutionDescription {
  machine: Machine;
  inputText: string;
  events: ExecutionEvent[];
  abort: () => void;
  done: Promise<void>;
}

type TokenStatus = 'waiting' | 'completed' | 'timed_out' | 'closed';

interface TaskRecord extends WaitingTask {
  status: TokenStatus;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timers: NodeJS.Timeout[];
  heartbeatMs?: number;
}

/** The interpreter's types for local handlers (not exported by the package under these names). */
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Json = Parameters<LocalHandlers[string]>[0];

type AslState = {
  Type?: string;
  Resource?: string;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  Branches?: AslMachine[];
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
};
type AslMachine = { States?: Record<string, AslState> };

const WAIT_FOR_TOKEN = '.waitForTaskToken';
/** Tokens look like AWS's: opaque, base64url, starting `AQ`. Anything else is malformed (InvalidToken). */
const TOKEN_SHAPE = /^AQ[A-Za-z0-9_-]{100,2046}$/;
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
/** Step Functions' payload quota: an execution's input, a state's input (after Parameters) and output, a task's result. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Default timeout of a Task state, as in the interpreter (and far below AWS's one year). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

/** Every Task state of a definition, nested Parallel/Map ones included. */
function taskStates(machine: AslMachine, out = new Map<string, AslState>()): Map<string, AslState> {
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    if (state.Type === 'Task') {
      if (out.has(name))
        throw new Error(
          `two Task states are named "${name}": local task handlers are keyed by state name, so names must be unique`,
        );
      out.set(name, state);
    }
    for (const branch of state.Branches ?? []) taskStates(branch, out);
    if (state.Iterator) taskStates(state.Iterator, out);
    if (state.ItemProcessor) taskStates(state.ItemProcessor, out);
  }
  return out;
}

function newToken(): string {
  return `AQ${randomBytes(96).toString('base64url')}`;
}

/** An Error whose `name` is the ASL error name (what Retry/Catch match). */
function stateError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Step Functions, locally: runs the project's state machine with
 * `aws-local-stepfunctions` and serves the Step Functions API subset the bot
 * and the sandbox use (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Op>`):
 * StartExecution, DescribeExecution, ListExecutions, StopExecution,
 * SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, with AWS's error
 * names (TaskDoesNotExist, TaskTimedOut, InvalidToken, InvalidOutput,
 * ExecutionDoesNotExist, ExecutionAlreadyExists, ...).
 *
 * Every `.waitForTaskToken` attempt gets its own token in `$$.Task.Token`;
 * a token is good for one SendTaskSuccess/Failure, and answers TaskTimedOut
 * once used, timed out, or its execution has ended.
 *
 * The 256 KiB payload quota is enforced as AWS does: a Task state's input
 * after Parameters, a task's result, or any state's output over it fails the
 * execution with `States.DataLimitExceeded`, which no Catch (not even
 * `States.ALL`) handles. Task inputs and results are checked before the task
 * runs on; other state outputs as soon as the state exits.
 */
export class LocalStepFunctions extends AwsJsonServer {
  public readonly stateMachineArn: string;
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, TaskRecord>();
  private readonly successRequests = new Map<string, TaskSuccessRequest[]>();

  public constructor(private readonly options: LocalStepFunctionsOptions) {
    super('AWSStepFunctions', 'application/x-amz-json-1.0', options.port);
    this.stateMachineArn = options.stateMachineArn;
    this.addStateMachine(options);
  }

  /** The definition it runs (substitutions applied), e.g. to read an approval state's `TimeoutSeconds`. */
  public get definition(): object {
    return this.options.definition;
  }

  /**
   * Adds another state machine (another team's workflow, docs/INTERFACES.md#approval-requests-from-any-workflow), served
   * by the same API: its executions, task tokens and callbacks live beside the
   * project's own. Validates the definition (ASL schema, JSONPaths).
   * @throws Error for a malformed ARN, one already in use, or a Task state without a handler
   */
  public addStateMachine(spec: StateMachineSpec): void {
    const arn = /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/.exec(spec.stateMachineArn);
    if (!arn)
      throw new Error(
        `stateMachineArn must look like arn:aws:states:<region>:<account>:stateMachine:<name>, got "${spec.stateMachineArn}"`,
      );
    if (this.machines.has(spec.stateMachineArn))
      throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${spec.stateMachineArn}'`);
    const tasks = taskStates(spec.definition as AslMachine);
    const missing = [...tasks]
      .filter(([name, s]) => !spec.taskHandlers[name] && !(s.Resource && spec.taskHandlers[s.Resource]))
      .map(([name, s]) => `${name} (${s.Resource})`);
    if (missing.length > 0)
      throw new Error(
        `no task handler for Task state(s): ${missing.join(', ')}. Give one per state name or per Resource.`,
      );
    this.machines.set(spec.stateMachineArn, {
      arn: spec.stateMachineArn,
      definition: spec.definition,
      interpreter: new StateMachine(spec.definition as StateMachineDefinition, {
        validationOptions: { checkArn: false },
      }),
      tasks,
      handlers: spec.taskHandlers,
      arnPrefix: `arn:aws:states:${arn[1]}:${arn[2]}:execution:${arn[3]}:`,
    });
  }

  /** Whether a state machine of that ARN is served. */
  public hasStateMachine(stateMachineArn: string): boolean {
    return this.machines.has(stateMachineArn);
  }

  /**
   * Starts an execution, in process (what `StartExecution` does).
   * Starting again with a running execution's name and the same input returns
   * that execution, as AWS does; any other reuse of a name is ExecutionAlreadyExists.
   */
  public startExecution(
    input: unknown = {},
    name?: string,
    stateMachineArn: string = this.stateMachineArn,
  ): { executionArn: string; startDate: Date } {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const inputText = JSON.stringify(input ?? {});
    if (Buffer.byteLength(inputText) > MAX_PAYLOAD_BYTES)
      throw new AwsError('InvalidExecutionInput', `input is over ${MAX_PAYLOAD_BYTES} bytes`);
    const executionName = name ?? randomUUID();
    if (!EXECUTION_NAME.test(executionName)) throw new AwsError('InvalidName', `Invalid Name: '${executionName}'`);
    const executionArn = machine.arnPrefix + executionName;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.inputText === inputText)
        return { executionArn, startDate: existing.startDate };
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    this.run(machine, executionArn, executionName, input ?? {}, inputText);
    return { executionArn, startDate: this.executions.get(executionArn)!.startDate };
  }

  /** An execution's state, or undefined when there is no such execution. */
  public describe(executionArn: string): ExecutionDescription | undefined {
    const e = this.executions.get(executionArn);
    return e && publicView(e);
  }

  /** Every execution, oldest first. */
  public listExecutions(): ExecutionDescription[] {
    return [...this.executions.values()].map(publicView);
  }

  /** The interpreter's events of one execution (StateEntered, StateFailed, ...). */
  public events(executionArn: string): ExecutionEvent[] {
    return [...(this.executions.get(executionArn)?.events ?? [])];
  }

  /** Tasks waiting for a callback, oldest first; one execution's when given. */
  public waitingTasks(executionArn?: string): WaitingTask[] {
    return [...this.tokens.values()]
      .filter((t) => t.status === 'waiting' && (executionArn === undefined || t.executionArn === executionArn))
      .map(({ taskToken, executionArn: arn, stateName, since }) => ({
        taskToken,
        executionArn: arn,
        stateName,
        since,
      }));
  }

  /**
   * SendTaskSuccess requests (over the API) that quoted one of this
   * execution's tokens, oldest first, answered or refused. Injected faults
   * answer before the request is read, so they are not listed.
   */
  public taskSuccessRequests(executionArn: string): TaskSuccessRequest[] {
    return [...(this.successRequests.get(executionArn) ?? [])];
  }

  /** Resolves with the execution once it is no longer RUNNING. */
  public async waitForCompletion(executionArn: string, timeoutMs = 30_000): Promise<ExecutionDescription> {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`execution ${executionArn} still ${e.status} after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([e.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return publicView(e);
  }

  /** Resumes a waiting task with its output (what `SendTaskSuccess` does). */
  public sendTaskSuccess(taskToken: string, output: string): void {
    const task = this.waitingTask(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid Output: output is not valid JSON');
    }
    if (Buffer.byteLength(output) > MAX_PAYLOAD_BYTES)
      throw new AwsError('InvalidOutput', `Invalid Output: over ${MAX_PAYLOAD_BYTES} bytes`);
    this.settle(task, 'completed');
    task.resolve(parsed);
  }

  /** Fails a waiting task (what `SendTaskFailure` does): the state fails with `error` / `cause`. */
  public sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    const task = this.waitingTask(taskToken);
    this.settle(task, 'completed');
    task.reject(stateError(error, cause));
  }

  /** Restarts a waiting task's heartbeat clock (what `SendTaskHeartbeat` does). */
  public sendTaskHeartbeat(taskToken: string): void {
    const task = this.waitingTask(taskToken);
    if (task.heartbeatMs !== undefined) {
      clearTimeout(task.timers.pop());
      task.timers.push(this.heartbeatTimer(task));
    }
  }

  /**
   * Makes an execution's waiting callback task time out now, as if its
   * `TimeoutSeconds` had passed (tests): the token answers TaskTimedOut from
   * then on and the state fails with `States.Timeout`, which its Catch handles.
   * @returns whether a waiting task was timed out
   */
  public timeOutWaitingTask(executionArn: string): boolean {
    const task = [...this.tokens.values()].find((t) => t.executionArn === executionArn && t.status === 'waiting');
    if (!task) return false;
    this.settle(task, 'timed_out');
    task.reject(stateError('States.Timeout', 'Task timed out (TimeoutSeconds elapsed)'));
    return true;
  }

  /** Stops a running execution (what `StopExecution` does): it ends ABORTED. */
  public stopExecution(executionArn: string, error?: string, cause?: string): Date {
    const e = this.executions.get(executionArn);
    if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    if (e.status === 'RUNNING') {
      this.finish(e, 'ABORTED', { ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) });
      e.abort();
    }
    return e.stopDate!;
  }

  /** Aborts every running execution (so no timer outlives the sandbox), then stops serving. */
  public override async stop(): Promise<void> {
    for (const e of this.executions.values()) {
      if (e.status === 'RUNNING')
        this.stopExecution(e.executionArn, 'States.Aborted', 'the local Step Functions service stopped');
    }
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
    await super.stop();
  }

  protected override operations(): Record<string, AwsJsonOperation> {
    return {
      StartExecution: (input) => {
        const arn = input.string('stateMachineArn');
        if (!this.machines.has(arn))
          throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
        const text = input.optionalString('input') ?? '{}';
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new AwsError('InvalidExecutionInput', 'Invalid Execution Input: input is not valid JSON');
        }
        const { executionArn, startDate } = this.startExecution(parsed, input.optionalString('name'), arn);
        return { executionArn, startDate: epochSeconds(startDate) };
      },
      DescribeExecution: (input) => {
        const arn = input.string('executionArn');
        const e = this.executions.get(arn);
        if (!e) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
        return {
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          input: e.inputText,
          inputDetails: { included: true },
          ...(e.output !== undefined && { output: JSON.stringify(e.output), outputDetails: { included: true } }),
          ...(e.error !== undefined && { error: e.error }),
          ...(e.cause !== undefined && { cause: e.cause }),
          startDate: epochSeconds(e.startDate),
          ...(e.stopDate && { stopDate: epochSeconds(e.stopDate) }),
        };
      },
      ListExecutions: (input) => {
        const arn = input.optionalString('stateMachineArn');
        if (arn !== undefined && !this.machines.has(arn))
          throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
        const filter = input.optionalString('statusFilter');
        const executions = [...this.executions.values()]
          .filter(
            (e) => (arn === undefined || e.stateMachineArn === arn) && (filter === undefined || e.status === filter),
          )
          .reverse() // newest first, as AWS lists them
          .map((e) => ({
            executionArn: e.executionArn,
            stateMachineArn: e.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: epochSeconds(e.startDate),
            ...(e.stopDate && { stopDate: epochSeconds(e.stopDate) }),
          }));
        return { executions };
      },
      StopExecution: (input) => ({
        stopDate: epochSeconds(
          this.stopExecution(
            input.string('executionArn'),
            input.optionalString('error'),
            input.optionalString('cause'),
          ),
        ),
      }),
      SendTaskSuccess: (input) => {
        const at = performance.now();
        const taskToken = input.string('taskToken');
        const executionArn = this.tokens.get(taskToken)?.executionArn;
        const note = (outcome: string) =>
          executionArn &&
          this.successRequests.set(executionArn, [...(this.successRequests.get(executionArn) ?? []), { at, outcome }]);
        try {
          this.sendTaskSuccess(taskToken, input.string('output'));
        } catch (e) {
          note(e instanceof AwsError ? e.code : 'Error');
          throw e;
        }
        note('resumed');
        return {};
      },
      SendTaskFailure: (input) => {
        const error = input.optionalString('error');
        const cause = input.optionalString('cause');
        if (error !== undefined && error.length > 256)
          throw new AwsError(
            'ValidationException',
            "Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
          );
        if (cause !== undefined && cause.length > 32768)
          throw new AwsError(
            'ValidationException',
            "Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768",
          );
        this.sendTaskFailure(input.string('taskToken'), error, cause);
        return {};
      },
      SendTaskHeartbeat: (input) => {
        this.sendTaskHeartbeat(input.string('taskToken'));
        return {};
      },
    };
  }

  // ---- executions ----------------------------------------------------------

  private run(machine: Machine, executionArn: string, name: string, input: unknown, inputText: string): void {
    const startDate = new Date();
    // The library's context is per run, so `$$.Task.Token` is rotated by hand after each callback task starts.
    const task = { Token: newToken() };
    const execution: Execution = {
      executionArn,
      stateMachineArn: machine.arn,
      machine,
      name,
      status: 'RUNNING',
      input,
      inputText,
      startDate,
      events: [],
      abort: () => undefined,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    const runOptions: RunOptions = {
      overrides: {
        taskResourceLocalHandlers: this.localHandlers(execution, task),
        ...(this.options.retryIntervalOverrides && { retryIntervalOverrides: this.options.retryIntervalOverrides }),
        ...(this.options.waitTimeOverrides && { waitTimeOverrides: this.options.waitTimeOverrides }),
      },
      context: {
        Execution: {
          Id: executionArn,
          Input: input as Json,
          Name: name,
          StartTime: startDate.toISOString(),
          RoleArn: `${machine.arn.split(':stateMachine:')[0]}:role/local`,
        },
        StateMachine: { Id: machine.arn, Name: machine.arn.split(':').pop() },
        Task: task,
      },
    };
    const { abort, result, eventLogs } = machine.interpreter.run(input as Json, runOptions);
    execution.abort = abort;
    void (async () => {
      for await (const event of eventLogs) {
        execution.events.push(event as unknown as ExecutionEvent);
        if (event.type === 'StateExited') {
          const state = (event as { state: { name: string; output?: unknown } }).state;
          try {
            this.checkPayload(execution, state.name, 'output', state.output);
          } catch {
            // The execution is failed already; the events go on being recorded.
          }
        }
        // A TimeoutSecondsPath timeout is only visible here.
        if (event.type === 'StateFailed' && (event as { Error?: string }).Error === 'States.Timeout')
          this.timeOutTokens(executionArn, (event as { state: { name: string } }).state.name);
      }
    })().catch(() => undefined);
    execution.done = result.then(
      (output) => this.finish(execution, 'SUCCEEDED', { output }),
      (e: unknown) => {
        if (e instanceof ExecutionAbortedError) return this.finish(execution, 'ABORTED', {});
        if (e instanceof ExecutionTimeoutError)
          return this.finish(execution, 'TIMED_OUT', {
            error: 'States.Timeout',
            cause: 'The execution ran longer than its TimeoutSeconds.',
          });
        const cause = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : (e as Error);
        return this.finish(execution, 'FAILED', { error: cause?.name ?? 'Error', cause: cause?.message ?? String(e) });
      },
    );
  }

  private finish(
    e: Execution,
    status: ExecutionStatus,
    details: { output?: unknown; error?: string; cause?: string },
  ): void {
    if (e.status !== 'RUNNING') return;
    e.status = status;
    e.stopDate = new Date();
    if (details.output !== undefined) e.output = details.output;
    if (details.error !== undefined) e.error = details.error;
    if (details.cause !== undefined) e.cause = details.cause;
    // Tasks still waiting can never be resumed; failing them also clears the interpreter's task timers.
    for (const t of this.tokens.values()) {
      if (t.executionArn === e.executionArn && t.status === 'waiting') {
        this.settle(t, 'closed');
        t.reject(stateError('States.Aborted', `execution ${status}`));
      }
    }
  }

  /** The interpreter's local handler for every Task state, bound to one execution. */
  private localHandlers(execution: Execution, task: { Token: string }): LocalHandlers {
    const out: LocalHandlers = {};
    const { tasks, handlers } = execution.machine;
    for (const [stateName, state] of tasks) {
      const handler = handlers[stateName] ?? handlers[state.Resource!]!;
      if (!state.Resource?.endsWith(WAIT_FOR_TOKEN)) {
        out[stateName] = async (input) => {
          this.checkPayload(execution, stateName, 'input', input);
          const result = await handler(input, { executionArn: execution.executionArn, stateName });
          this.checkPayload(execution, stateName, 'result', result);
          return result as Json;
        };
        continue;
      }
      out[stateName] = async (evaluated) => {
        this.checkPayload(execution, stateName, 'input', evaluated);
        // Parameters (with $$.Task.Token) were evaluated just before this call: that token is this attempt's.
        // A copy first: a payload holding the context object itself (`"ExecutionContext.$": "$$"`) shares
        // its Task object, which the next line rotates for the next attempt.
        const input = structuredClone(evaluated);
        const taskToken = task.Token;
        task.Token = newToken();
        if (execution.status !== 'RUNNING') throw stateError('States.Aborted', `execution ${execution.status}`);
        const record = this.waitFor(taskToken, execution.executionArn, stateName, state);
        try {
          await handler(input, { executionArn: execution.executionArn, stateName, taskToken });
        } catch (e) {
          // The request never went out: nobody can answer this token.
          if (record.status === 'waiting') this.settle(record, 'closed');
          throw e;
        }
        return record.settled as Promise<Json>;
      };
    }
    return out;
  }

  /**
   * Fails the execution with `States.DataLimitExceeded` (terminal: no Catch
   * applies) when a payload is over the quota, as AWS does.
   * @throws the same error, so the task that carried it goes no further
   */
  private checkPayload(
    execution: Execution,
    stateName: string,
    what: 'input' | 'result' | 'output',
    payload: unknown,
  ): void {
    const bytes = Buffer.byteLength(JSON.stringify(payload ?? null), 'utf8');
    if (bytes <= MAX_PAYLOAD_BYTES) return;
    const cause = `The state/task '${stateName}' ${what} is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte payload quota.`;
    if (execution.status === 'RUNNING') {
      this.finish(execution, 'FAILED', { error: 'States.DataLimitExceeded', cause });
      execution.abort();
    }
    throw stateError('States.DataLimitExceeded', cause);
  }

  // ---- task tokens ---------------------------------------------------------

  private waitFor(
    taskToken: string,
    executionArn: string,
    stateName: string,
    state: AslState,
  ): TaskRecord & { settled: Promise<unknown> } {
    let resolve!: (v: unknown) => void;
    let reject!: (e: Error) => void;
    const settled = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    settled.catch(() => undefined); // the interpreter may have stopped listening (timeout, abort)
    const record: TaskRecord & { settled: Promise<unknown> } = {
      taskToken,
      executionArn,
      stateName,
      since: new Date(),
      status: 'waiting',
      resolve,
      reject,
      timers: [],
      settled,
    };
    // Set before the interpreter's own timer with the same delay, so the token is marked first.
    const timeoutSeconds = state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS;
    record.timers.push(
      setTimeout(() => record.status === 'waiting' && this.settle(record, 'timed_out'), timeoutSeconds * 1000),
    );
    if (state.HeartbeatSeconds !== undefined) {
      record.heartbeatMs = state.HeartbeatSeconds * 1000;
      record.timers.push(this.heartbeatTimer(record));
    }
    this.tokens.set(taskToken, record);
    return record;
  }

  private heartbeatTimer(record: TaskRecord): NodeJS.Timeout {
    return setTimeout(() => {
      if (record.status !== 'waiting') return;
      this.settle(record, 'timed_out');
      record.reject(
        stateError('States.Timeout', `no heartbeat within ${record.heartbeatMs} ms (States.HeartbeatTimeout)`),
      );
    }, record.heartbeatMs);
  }

  private timeOutTokens(executionArn: string, stateName: string): void {
    for (const t of this.tokens.values()) {
      if (t.executionArn === executionArn && t.stateName === stateName && t.status === 'waiting')
        this.settle(t, 'timed_out');
    }
  }

  private settle(record: TaskRecord, status: Exclude<TokenStatus, 'waiting'>): void {
    record.status = status;
    for (const timer of record.timers) clearTimeout(timer);
    record.timers = [];
  }

  /** The waiting task of a token, or the error AWS answers for it. */
  private waitingTask(taskToken: string): TaskRecord {
    const record = this.tokens.get(taskToken);
    if (!record) {
      if (!TOKEN_SHAPE.test(taskToken))
        throw new AwsError('InvalidToken', 'Invalid Token: the task token is malformed');
      throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
    }
    if (record.status !== 'waiting')
      throw new AwsError(
        'TaskTimedOut',
        `Task Timed Out: '${record.status === 'completed' ? 'Provided task token was already used' : 'Provided task does not exist anymore'}'`,
      );
    return record;
  }
}

function publicView(e: Execution): ExecutionDescription {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    input: e.input,
    ...(e.output !== undefined && { output: e.output }),
    ...(e.error !== undefined && { error: e.error }),
    ...(e.cause !== undefined && { cause: e.cause }),
    startDate: e.startDate,
    ...(e.stopDate && { stopDate: e.stopDate }),
  };
}
