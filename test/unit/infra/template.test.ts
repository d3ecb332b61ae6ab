import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv-draft-04';
import { parseConfig } from '../../../src/config';
import {
  DECISION_WINDOW_CHOICES_SECONDS,
  WORKFLOW_TIMEOUT_GRACE_SECONDS,
  approvalStateTimeoutSeconds,
} from '../../../src/domain/policy';
import { eventMatches } from '../../../sandbox/local/eventPattern';
import { loadTemplate, parseCfnYaml, type CfnResource, type CfnTemplate } from '../../../sandbox/local/cfnYaml';
import {
  actionsOf,
  clone,
  asyncWithoutDeadLetter,
  evaluateCondition,
  functionEnvironment,
  handlerProblems,
  makefileTargets,
  nonInlinePolicies,
  patternMatches,
  placeholders,
  policyStatements,
  refTarget,
  resolveValue,
  resourcesOfType,
  sourceFiles,
  substitutionProblems,
  wildcardActions,
  type ResolveContext,
} from './templateChecks';

const ROOT = path.resolve(__dirname, '../../..');
const TEMPLATE = path.join(ROOT, 'template.yaml');
// A vendored copy of the upstream schema (schemas/vendor/README.md names its source and licence).
const SAM_SCHEMA = path.join(ROOT, 'schemas/vendor/sam.schema.json');
const ASL = path.join(ROOT, 'statemachine/incident-response.asl.json');

const DEF = 'samtranslator__internal__schema_source__';
const RESOURCE_SCHEMAS: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': `${DEF}aws_serverless_function__Resource`,
  'AWS::Serverless::StateMachine': `${DEF}aws_serverless_statemachine__Resource`,
  'AWS::Serverless::HttpApi': `${DEF}aws_serverless_httpapi__Resource`,
  'AWS::Serverless::Api': `${DEF}aws_serverless_api__Resource`,
  'AWS::Serverless::SimpleTable': `${DEF}aws_serverless_simpletable__Resource`,
  'AWS::Serverless::LayerVersion': `${DEF}aws_serverless_layerversion__Resource`,
};

/** The functions, the file each runs, and whether it writes the decision ledger. */
const FUNCTIONS = {
  SlackEventsFunction: { bundle: 'slackEvents', signs: true },
  IngestFunction: { bundle: 'ingest', signs: true },
  SweepFunction: { bundle: 'sweep', signs: true },
  ClassifyFunction: { bundle: 'classify', signs: false },
  ActionsFunction: { bundle: 'actions', signs: true },
  LedgerPublisherFunction: { bundle: 'ledgerPublisher', signs: false },
  LedgerFeedFunction: { bundle: 'ledgerFeed', signs: false },
  // Other workflows' lambda:invoke.waitForTaskToken: forwards requests to the approval requests topic.
  ApprovalRequestFunction: { bundle: 'approvalRequest', signs: false },
  // examples/executor/handler.ts; deployed only with DeployExampleExecutor=true.
  ExampleExecutorFunction: { bundle: 'exampleExecutor', signs: false },
  // src/handlers/mcp.ts; deployed only with McpJwtIssuer set. Ingests agents' requests, so it signs.
  McpFunction: { bundle: 'mcp', signs: true },
} as const;
/** chainsec's own functions: they read their environment through src/config.ts. */
const CHAINSEC_FUNCTIONS = Object.keys(FUNCTIONS).filter((id) => id !== 'ExampleExecutorFunction');
const MAKEFILE = readFileSync(path.join(ROOT, 'Makefile'), 'utf8');

let ajv: Ajv04;
let template: CfnTemplate;

/** Validates a document, or one resource against its own SAM definition; returns the errors as text. */
function samErrors(value: unknown, ref?: string): string[] {
  const validate = (ref ? ajv.getSchema(`sam#/definitions/${ref}`) : ajv.getSchema('sam')) as ValidateFunction;
  if (!validate(value))
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  return [];
}

/** Every resource checked on its own (clean errors), plus Globals. */
function perResourceErrors(t: CfnTemplate): string[] {
  const errors: string[] = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    const ref = RESOURCE_SCHEMAS[r.Type] ?? `${DEF}any_cfn_resource__Resource`;
    errors.push(...samErrors(r, ref).map((e) => `${id}: ${e}`));
  }
  if (t.Globals) errors.push(...samErrors(t.Globals, '__main____Globals').map((e) => `Globals: ${e}`));
  return errors;
}

/** The decision-signing key's logical id (renamed on rotation, see docs/DEPLOY.md). */
function signingKeyId(): string {
  const keys = resourcesOfType(template, 'AWS::KMS::Key').filter(([, k]) => k.Properties?.KeyUsage === 'SIGN_VERIFY');
  if (keys.length !== 1) throw new Error(`expected one signing key, found ${keys.length}`);
  return keys[0]![0];
}

function resource(id: string): CfnResource {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

function props(id: string): Record<string, unknown> {
  return resource(id).Properties ?? {};
}

/** The inline policy statements of a function's role. */
function roleStatements(functionId: string): Array<Record<string, unknown>> {
  const roleId = refTarget(props(functionId).Role);
  if (!roleId) throw new Error(`${functionId} has no Role`);
  const policies = (props(roleId).Policies ?? []) as Array<{ PolicyDocument: { Statement: unknown[] } }>;
  const out: Array<Record<string, unknown>> = [];
  for (const p of policies) {
    for (const s of p.PolicyDocument.Statement) {
      const If = (s as Record<string, unknown>)['Fn::If'] as [string, unknown, unknown] | undefined;
      if (If)
        out.push(
          ...[If[1], If[2]].filter(
            (x): x is Record<string, unknown> => typeof x === 'object' && x !== null && 'Effect' in x,
          ),
        );
      else out.push(s as Record<string, unknown>);
    }
  }
  return out;
}

function roleActions(functionId: string): Set<string> {
  return new Set(roleStatements(functionId).flatMap(actionsOf));
}

function resolveCtx(parameters: Record<string, string> = {}): ResolveContext {
  return {
    template,
    parameters: {
      ApprovalsChannelId: 'C0APPROVALS',
      ApproverUserIds: 'U0APPROVER1,U0APPROVER2',
      SlackTeamId: 'T0SANDBOX',
      ...parameters,
    },
  };
}

beforeAll(() => {
  ajv = new Ajv04({ strict: false, allErrors: true });
  ajv.addSchema(JSON.parse(readFileSync(SAM_SCHEMA, 'utf8')) as object, 'sam');
  template = loadTemplate(TEMPLATE);
});

describe('File: template.yaml', () => {
  describe('Schema', () => {
    it('parses with the CloudFormation short-form tags', () => {
      // Prepare
      const text = 'A: !Ref X\nB: !GetAtt T.Arn\nC: !Sub "a${B}"\nD: !If [C, !Ref AWS::NoValue, [1]]\n';

      // Act
      const parsed = parseCfnYaml(text);

      // Assess
      expect(parsed).toEqual({
        A: { Ref: 'X' },
        B: { 'Fn::GetAtt': ['T', 'Arn'] },
        C: { 'Fn::Sub': 'a${B}' },
        D: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, [1]] },
      });
      expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
      expect(JSON.stringify(template)).not.toMatch(/"!(Ref|GetAtt|Sub|If)/);
      expect(() => parseCfnYaml('A: !Bogus x')).toThrow(/Bogus/);
    });

    it('validates against the SAM schema, as a whole and resource by resource', () => {
      // Prepare
      const document = template;

      // Act
      const whole = samErrors(document);
      const each = perResourceErrors(document);

      // Assess
      expect(each).toEqual([]);
      expect(whole).toEqual([]);
    });

    it('fails SAM validation for a misspelt function property (CodeUrl)', () => {
      // Prepare
      const broken = clone(template);
      const fn = broken.Resources.SlackEventsFunction!.Properties!;
      fn.CodeUrl = fn.CodeUri;
      delete fn.CodeUri;

      // Act
      const errors = perResourceErrors(broken);

      // Assess
      expect(errors.join('\n')).toMatch(/SlackEventsFunction: .*additional properties.*CodeUrl/);
      expect(samErrors(broken).length).toBeGreaterThan(0);
    });

    it('fails SAM validation for a misspelt state machine property (DefinitionUrl)', () => {
      // Prepare
      const broken = clone(template);
      const sm = broken.Resources.IncidentStateMachine!.Properties!;
      sm.DefinitionUrl = sm.DefinitionUri;
      delete sm.DefinitionUri;

      // Act
      const errors = perResourceErrors(broken);

      // Assess
      expect(errors.join('\n')).toMatch(/IncidentStateMachine: .*DefinitionUrl/);
    });

    it('declares the parameters, each with a safe default where optional, and no secret parameter', () => {
      // Prepare
      const params = template.Parameters ?? {};

      // Act
      const names = Object.keys(params);

      // Assess
      expect(names).toEqual(
        expect.arrayContaining([
          'Env',
          'ApprovalsChannelId',
          'ApproverUserIds',
          'ApproverUsergroupId',
          'OnCallSchedule',
          'DryRun',
          'BedrockModelId',
          'BedrockGuardrailId',
          'BedrockGuardrailVersion',
          'AlarmEmail',
        ]),
      );
      expect(params.DryRun?.Default).toBe('false');
      expect(params.DryRun?.AllowedValues).toEqual(['true', 'false']);
      expect(params.BedrockModelId?.Default).toBe('amazon.nova-micro-v1:0');
      expect(params.OnCallSchedule?.Default).toBe('[]');
      expect(template.Conditions?.HasAlarmEmail).toBeDefined();
      expect(resource('AlarmEmailSubscription').Condition).toBe('HasAlarmEmail');
      expect(names.filter((n) => /secret|token|password/i.test(n))).toEqual([]);
    });

    it('has the outputs an operator needs', () => {
      // Prepare
      const outputs = template.Outputs ?? {};

      // Act
      const url = outputs.SlackRequestUrl?.Value;

      // Assess
      expect(url).toEqual({ 'Fn::Sub': 'https://${HttpApi}.execute-api.${AWS::Region}.amazonaws.com/slack/events' });
      expect(outputs.SigningKeyArn?.Value).toEqual({ 'Fn::GetAtt': [signingKeyId(), 'Arn'] });
      expect(outputs.SlackSecretArn?.Value).toEqual({ Ref: 'SlackSecret' });
      expect(outputs.StateMachineArn?.Value).toEqual({ Ref: 'IncidentStateMachine' });
      for (const topic of ['ApprovalRequestsTopic', 'NotificationsTopic', 'ActionsTopic', 'AlarmTopic']) {
        expect(outputs[`${topic}Arn`]?.Value).toEqual({ Ref: topic });
      }
    });
  });

  describe('Tables', () => {
    it('keeps the two table designs: keys, GSIs byDay and pending', () => {
      // Prepare
      const incidents = props('IncidentsTable');
      const ledger = props('LedgerTable');

      // Act
      const gsis = (incidents.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown }>).map((g) => [
        g.IndexName,
        g.KeySchema,
      ]);

      // Assess
      expect(incidents.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(gsis).toEqual([
        [
          'byDay',
          [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        ],
        [
          'pending',
          [
            { AttributeName: 'pendingPk', KeyType: 'HASH' },
            { AttributeName: 'pendingSk', KeyType: 'RANGE' },
          ],
        ],
      ]);
      expect(ledger.KeySchema).toEqual([
        { AttributeName: 'incidentId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ]);
      expect(ledger.AttributeDefinitions).toContainEqual({ AttributeName: 'seq', AttributeType: 'N' });
    });

    it('encrypts every table with the customer-managed key, with PITR, deletion protection and Retain', () => {
      // Prepare
      const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');

      // Act
      const ids = tables.map(([id]) => id);

      // Assess
      expect(ids.sort()).toEqual(['IncidentsTable', 'LedgerTable', 'PacerTable', 'RedemptionsTable']);
      for (const [id, t] of tables) {
        expect(t.Properties?.SSESpecification).toEqual({
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
        });
        // The pacer's cursors are throwaway (seconds ahead, TTL): nothing to recover or retain.
        if (id === 'PacerTable') {
          expect([t.DeletionPolicy, t.UpdateReplacePolicy]).toEqual(['Delete', 'Delete']);
          continue;
        }
        expect(t.Properties?.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(t.Properties?.DeletionProtectionEnabled).toBe(true);
        expect(t.DeletionPolicy).toBe('Retain');
      }
    });

    it('has a TTL on IncidentsTable (expiresAt), RedemptionsTable and PacerTable (ttl), never on LedgerTable', () => {
      // Prepare
      const tables = resourcesOfType(template, 'AWS::DynamoDB::Table');

      // Act
      const withTtl = tables.filter(([, t]) => t.Properties?.TimeToLiveSpecification).map(([id]) => id);

      // Assess
      expect(withTtl.sort()).toEqual(['IncidentsTable', 'PacerTable', 'RedemptionsTable']);
      expect(props('IncidentsTable').TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(props('RedemptionsTable').TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
      expect(props('PacerTable').TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    });

    it('keys RedemptionsTable as DynamoDbRedemptionStore writes it (pk, ttl), unconditionally, with its name exported', () => {
      // Prepare
      const store = readFileSync(path.join(ROOT, 'src/services/dynamodb/DynamoDbRedemptionStore.ts'), 'utf8');

      // Act
      const table = resource('RedemptionsTable');

      // Assess
      expect(table.Properties?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
      expect(table.Properties?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
      expect(table.Properties?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(store).toContain("ConditionExpression: 'attribute_not_exists(pk)'");
      expect(store).toMatch(/\bpk: key,/);
      expect(store).toMatch(/\bttl: Math\.ceil\(/);
      expect(table.Condition).toBeUndefined();
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(template.Outputs?.RedemptionsTableName).toEqual({
        Description: expect.any(String),
        Value: { Ref: 'RedemptionsTable' },
        Export: { Name: { 'Fn::Sub': 'chainsec-${Env}-redemptions-table' } },
      });
    });
  });

  describe('Functions', () => {
    it('declares the nine functions, each on nodejs22.x / arm64, built by its Makefile target', () => {
      // Prepare
      const fns = resourcesOfType(template, 'AWS::Serverless::Function');
      const globals = template.Globals?.Function ?? {};

      // Act
      const ids = fns.map(([id]) => id).sort();

      // Assess
      expect(ids).toEqual(Object.keys(FUNCTIONS).sort());
      for (const [id, fn] of fns) {
        const p = fn.Properties ?? {};
        const spec = FUNCTIONS[id as keyof typeof FUNCTIONS];
        expect(p.Runtime ?? globals.Runtime).toBe('nodejs22.x');
        expect(p.Architectures ?? globals.Architectures).toEqual(['arm64']);
        expect(p.CodeUri).toBe('.');
        expect(p.Handler).toBe('index.handler');
        expect(fn.Metadata).toEqual({ BuildMethod: 'makefile' });
        expect(makefileTargets(MAKEFILE).get(id)).toBe(spec.bundle);
      }
    });

    it('resolves every Handler through its Makefile target to a handler file that exports it', () => {
      // Prepare
      const fns = resourcesOfType(template, 'AWS::Serverless::Function');

      // Act
      const problems = fns.flatMap(([id, fn]) =>
        handlerProblems(id, fn, template.Globals?.Function ?? {}, ROOT, MAKEFILE),
      );

      // Assess
      expect(problems).toEqual([]);
    });

    it('reports a wrong Handler, a missing Makefile target, a missing file or export', () => {
      // Prepare
      const sweep = resource('SweepFunction');
      const broken = clone(sweep);
      broken.Properties!.Handler = 'sweep.handler';
      const noTarget = MAKEFILE.replace('build-SweepFunction:', 'build-SomethingElse:');
      const noFile = MAKEFILE.replace(
        'build-SweepFunction:\n\t$(BUILD) sweep',
        'build-SweepFunction:\n\t$(BUILD) nope',
      );
      const noExport = clone(sweep);
      noExport.Properties!.Handler = 'index.main';

      // Act
      const wrongHandler = handlerProblems('SweepFunction', broken, {}, ROOT, MAKEFILE);
      const missingTarget = handlerProblems('SweepFunction', sweep, {}, ROOT, noTarget);
      const missingFile = handlerProblems('SweepFunction', sweep, {}, ROOT, noFile);
      const missingExport = handlerProblems('SweepFunction', noExport, {}, ROOT, MAKEFILE);

      // Assess
      expect(noFile).not.toBe(MAKEFILE);
      expect(wrongHandler.join()).toMatch(/must be index\.<export>/);
      expect(missingTarget.join()).toMatch(/no Makefile target build-SweepFunction/);
      expect(missingFile.join()).toMatch(/src\/handlers\/nope\.ts does not exist/);
      expect(missingExport.join()).toMatch(/does not export main/);
    });

    it('sizes the functions: Slack path 512 MB / 10 s, ingest capped at 2 per lane (4 reserved), sweep at 1', () => {
      // Prepare
      const slack = props('SlackEventsFunction');

      // Act
      const ingest = props('IngestFunction');
      const sweep = props('SweepFunction');

      // Assess
      expect(slack.MemorySize).toBe(512);
      expect(slack.Timeout).toBe(10);
      expect(slack.ProvisionedConcurrencyConfig).toBeUndefined();
      expect(ingest.ReservedConcurrentExecutions).toBe(4);
      expect(sweep.ReservedConcurrentExecutions).toBe(1);
      expect(sweep.Timeout).toBeLessThan(60);
      const events = ingest.Events as Record<string, { Type: string; Properties: Record<string, unknown> }>;
      const lanes = [events.FromTopics!, events.FromCriticalLane!];
      for (const sqs of lanes) {
        expect(sqs.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
        expect(sqs.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      }
      // The reserved concurrency covers both lanes' pollers, so neither throttles the other.
      const pollers = lanes.map(
        (l) => (l.Properties.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency,
      );
      expect(ingest.ReservedConcurrentExecutions).toBe(pollers.reduce((a, b) => a + b, 0));
      expect(events.FromCriticalLane!.Properties.BatchSize).toBe(1);
    });

    it('gives each function an environment the config module accepts', () => {
      // Prepare
      const ctx = resolveCtx({
        ApproverUsergroupId: 'S0APPROVERS',
        BedrockGuardrailId: 'gr-123',
        SummariesEnabled: 'true',
      });

      // Act
      const envs = CHAINSEC_FUNCTIONS.map((id) => [id, functionEnvironment(template, id, ctx)] as const);

      // Assess
      for (const [id, env] of envs) {
        expect(() => parseConfig(env)).not.toThrow();
        // The workspace is always checked: the parameter has no empty default.
        expect(parseConfig(env).slack.teamId).toBe('T0SANDBOX');
        expect(env.POWERTOOLS_SERVICE_NAME).toBe('chainsec');
        expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('ChainSecOps');
        expect(env.SLACK_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/);
        expect(env.SLACK_BOT_TOKEN).toBeUndefined();
        expect(env.SLACK_SIGNING_SECRET).toBeUndefined();
        if (id === 'ActionsFunction') expect(env.ACTIONS_TOPIC_ARN).toMatch(/^arn:aws:sns:/);
      }
      const ingest = parseConfig(Object.fromEntries(envs)['IngestFunction']!);
      expect(ingest.summaries).toEqual({
        enabled: true,
        modelId: 'amazon.nova-micro-v1:0',
        guardrailId: 'gr-123',
        guardrailVersion: 'DRAFT',
      });
    });

    it('leaves optional variables out when their parameter is empty', () => {
      // Prepare
      const ctx = resolveCtx();

      // Act
      const env = functionEnvironment(template, 'IngestFunction', ctx);

      // Assess
      expect(env).not.toHaveProperty('APPROVER_USERGROUP_ID');
      expect(env).not.toHaveProperty('POLICY_OVERRIDES');
      expect(env).not.toHaveProperty('BEDROCK_GUARDRAIL_ID');
      expect(env.DRY_RUN).toBe('false');
    });

    it('gives the ingest function the MCP agents, so a public request naming one as its requester is refused in AWS too', () => {
      // Act
      const env = (props('IngestFunction').Environment as { Variables: Record<string, unknown> }).Variables;

      // Assess
      expect(env.MCP_AGENTS).toEqual({ Ref: 'McpAgents' });
    });

    it('sets only variables that src/config.ts or Powertools read', () => {
      // Prepare
      const configSource = readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
      const fnVars = CHAINSEC_FUNCTIONS.flatMap((id) =>
        Object.keys(((props(id).Environment as { Variables?: object } | undefined)?.Variables ?? {}) as object),
      );
      const globalVars = Object.keys((template.Globals!.Function!.Environment as { Variables: object }).Variables);

      // Act
      const unknown = [...new Set([...globalVars, ...fnVars])].filter(
        (v) => !/^POWERTOOLS_|^NODE_OPTIONS$/.test(v) && !new RegExp(`\\b${v}:`).test(configSource),
      );

      // Assess
      expect(unknown).toEqual([]);
    });
  });

  describe('IAM', () => {
    it('has no allowed Action (or any NotAction) containing * anywhere: roles, key, topic, queue and bucket policies', () => {
      // Prepare
      const statements = policyStatements(template);

      // Act
      const wild = wildcardActions(template);

      // Assess
      expect(statements.length).toBeGreaterThan(40);
      expect(wild).toEqual([]);
    });

    it('finds a wildcard action when one is added, in a role or a key policy', () => {
      // Prepare
      const inRole = clone(template);
      const role = inRole.Resources.ClassifyFunctionRole!.Properties!.Policies as Array<{
        PolicyDocument: { Statement: Array<Record<string, unknown>> };
      }>;
      role[0]!.PolicyDocument.Statement.push({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' });
      const inKey = clone(template);
      (inKey.Resources[signingKeyId()]!.Properties!.KeyPolicy as { Statement: Array<Record<string, unknown>> })
        .Statement[0]!.Action = 'kms:*';

      // Act
      const found = [...wildcardActions(inRole), ...wildcardActions(inKey)];

      // Assess
      expect(found).toHaveLength(2);
      expect(found.join('\n')).toMatch(/dynamodb:\*/);
      expect(found.join('\n')).toMatch(/Key.*kms:\*/);
    });

    it('uses inline policy documents only (no SAM policy templates or managed policies)', () => {
      // Prepare
      const roles = resourcesOfType(template, 'AWS::IAM::Role');

      // Act
      const named = nonInlinePolicies(template);

      // Assess
      expect(named).toEqual([]);
      for (const [, r] of roles) expect(r.Properties?.ManagedPolicyArns).toBeUndefined();
    });

    it('gives each function its own role', () => {
      // Prepare
      const fns = Object.keys(FUNCTIONS);

      // Act
      const roles = fns.map((id) => refTarget(props(id).Role));

      // Assess
      expect(new Set(roles).size).toBe(fns.length);
      for (const r of roles) expect(resource(r!).Type).toBe('AWS::IAM::Role');
    });

    it('grants each function only the calls its code makes', () => {
      // Prepare
      const ddbRw = [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'dynamodb:ConditionCheckItem',
      ];

      // Act
      const slack = roleActions('SlackEventsFunction');
      const ingest = roleActions('IngestFunction');
      const sweep = roleActions('SweepFunction');
      const classify = roleActions('ClassifyFunction');
      const actions = roleActions('ActionsFunction');

      // Assess
      for (const a of [
        ...ddbRw,
        'kms:Sign',
        'states:SendTaskSuccess',
        'states:SendTaskFailure',
        'states:DescribeExecution',
        'secretsmanager:GetSecretValue',
      ]) {
        expect(slack).toContain(a);
        expect(sweep).toContain(a);
      }
      for (const a of [
        ...ddbRw,
        'dynamodb:DeleteItem',
        'kms:Sign',
        'states:SendTaskFailure',
        'bedrock:InvokeModel',
        'bedrock:ApplyGuardrail',
        'sqs:ReceiveMessage',
      ]) {
        expect(ingest).toContain(a);
      }
      expect(ingest).not.toContain('states:SendTaskSuccess');
      expect([...ingest].some((a) => a.startsWith('sns:'))).toBe(false);
      expect([...classify].filter((a) => !/^(logs|xray|kms):/.test(a))).toEqual(['dynamodb:PutItem']);
      expect(classify).not.toContain('kms:Sign');
      for (const a of [...ddbRw, 'kms:Sign', 'sns:Publish', 'secretsmanager:GetSecretValue'])
        expect(actions).toContain(a);
      expect([...actions].some((a) => a.startsWith('states:'))).toBe(false);
      const publish = roleStatements('ActionsFunction').find((s) => actionsOf(s).includes('sns:Publish'));
      expect(publish?.Resource).toEqual({ Ref: 'ActionsTopic' });
    });

    it("lets only the Slack events function read the earlier signing keys' public keys, and only when named", () => {
      // Act
      const conditional = policyStatements(template).filter(({ statement }) =>
        JSON.stringify(statement).includes('PreviousSigningKeyArns'),
      );

      // Assess
      expect(conditional.map(({ path: at }) => at.split('.')[0])).toEqual(['SlackEventsFunctionRole']);
      expect(JSON.stringify(props('SlackEventsFunctionRole'))).toContain(
        JSON.stringify([
          'HasPreviousSigningKeys',
          {
            Sid: 'ReadEarlierPublicKeys',
            Effect: 'Allow',
            Action: 'kms:GetPublicKey',
            Resource: { 'Fn::Split': [',', { Ref: 'PreviousSigningKeyArns' }] },
          },
          { Ref: 'AWS::NoValue' },
        ]),
      );
    });

    it("lets the MCP function read the Slack secret and its own upstreams' secrets, no other", () => {
      // Act
      const reads = roleStatements('McpFunction').filter((st) =>
        actionsOf(st).includes('secretsmanager:GetSecretValue'),
      );

      // Assess
      expect(reads.map((st) => st.Resource)).toEqual([
        { Ref: 'SlackSecret' },
        {
          'Fn::Sub':
            'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:chainsec/${Env}/mcp-upstreams/*',
        },
      ]);
    });

    it('uses Resource * only where AWS has no resource type, and narrows SendTask* by region', () => {
      // Prepare
      const allowedWithStar =
        /^(xray:|dynamodb:ListStreams$|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$|states:SendTask(Success|Failure)$)/;

      // Act
      const star = policyStatements(template).filter(
        ({ path: at, statement }) =>
          statement.Resource === '*' && !at.includes('KeyPolicy') && !at.includes('QueuePolicy'),
      );

      // Assess
      for (const { statement } of star) {
        for (const a of actionsOf(statement)) expect(a).toMatch(allowedWithStar);
        if (actionsOf(statement).some((a) => a.startsWith('states:'))) {
          expect(statement.Condition).toEqual({ StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } });
        }
      }
    });

    it('has the state machine invoke only its two functions and publish only to its two topics', () => {
      // Prepare
      const policies = props('IncidentStateMachine').Policies as Array<{ Statement: Array<Record<string, unknown>> }>;

      // Act
      const statements = policies.flatMap((p) => p.Statement);
      const invoke = statements.find((s) => actionsOf(s).includes('lambda:InvokeFunction'));
      const publish = statements.find((s) => actionsOf(s).includes('sns:Publish'));

      // Assess
      expect(invoke?.Resource).toEqual([
        { 'Fn::GetAtt': ['ClassifyFunction', 'Arn'] },
        { 'Fn::GetAtt': ['ActionsFunction', 'Arn'] },
      ]);
      // Only its own topic, which nobody else may publish to: what arrives through it is the stack's own.
      expect(publish?.Resource).toEqual({ Ref: 'WorkflowTopic' });
      expect(statements.some((s) => actionsOf(s).includes('kms:GenerateDataKey'))).toBe(true);
    });
  });

  describe('Keys', () => {
    it('makes the signing key ECDSA P-256 for signing, retained, with alias chainsec-decisions-${Env}', () => {
      // Prepare
      const keys = resourcesOfType(template, 'AWS::KMS::Key').filter(
        ([, k]) => k.Properties?.KeyUsage === 'SIGN_VERIFY',
      );

      // Act
      const [[id, key]] = keys as [[string, CfnResource]];
      const alias = resourcesOfType(template, 'AWS::KMS::Alias').find(
        ([, a]) => refTarget(a.Properties?.TargetKeyId) === id,
      );

      // Assess
      expect(keys).toHaveLength(1);
      expect(key.Properties?.KeySpec).toBe('ECC_NIST_P256');
      expect(key.DeletionPolicy).toBe('Retain');
      expect(alias?.[1].Properties?.AliasName).toEqual({ 'Fn::Sub': 'alias/chainsec-decisions-${Env}' });
    });

    it('lets only the five ledger-writing roles kms:Sign', () => {
      // Prepare
      const signers = Object.entries(FUNCTIONS)
        .filter(([, f]) => f.signs)
        .map(([id]) => id);
      const keyStatements = (props(signingKeyId()).KeyPolicy as { Statement: Array<Record<string, unknown>> })
        .Statement;

      // Act
      const signStatements = keyStatements.filter((s) => actionsOf(s).includes('kms:Sign'));
      const named = (
        signStatements[0]!.Condition as { ArnEquals: { 'aws:PrincipalArn': Array<{ 'Fn::Sub': string }> } }
      ).ArnEquals['aws:PrincipalArn'].map((a) => a['Fn::Sub']);
      const expected = signers.map((id) => {
        const roleName = (props(refTarget(props(id).Role)!).RoleName as { 'Fn::Sub': string })['Fn::Sub'];
        return `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${roleName}`;
      });
      const rolesThatSign = Object.keys(FUNCTIONS).filter((id) => roleActions(id).has('kms:Sign'));
      const anywhere = policyStatements(template).filter(({ statement }) => actionsOf(statement).includes('kms:Sign'));

      // Assess
      expect(signers).toHaveLength(5);
      expect(signStatements).toHaveLength(1);
      expect(signStatements[0]!.Effect).toBe('Allow');
      expect(named.sort()).toEqual(expected.sort());
      expect(rolesThatSign.sort()).toEqual(signers.sort());
      // The key policy statement plus one per signing role; nothing else anywhere.
      expect(anywhere).toHaveLength(1 + signers.length);
      for (const id of signers) {
        const s = roleStatements(id).find((x) => actionsOf(x).includes('kms:Sign'));
        expect(s?.Resource).toEqual({ 'Fn::GetAtt': [signingKeyId(), 'Arn'] });
      }
    });

    it('lets anyone in the account verify and read the public key, and the root administer without signing', () => {
      // Prepare
      const statements = (props(signingKeyId()).KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;

      // Act
      const verify = statements.find((s) => actionsOf(s).includes('kms:Verify'));
      const admin = statements.find((s) => actionsOf(s).includes('kms:PutKeyPolicy'));

      // Assess
      expect(actionsOf(verify!).sort()).toEqual(['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Verify']);
      expect(verify!.Condition).toEqual({ StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' } } });
      expect(actionsOf(admin!)).not.toContain('kms:Sign');
      expect(actionsOf(admin!).filter((a) => /Encrypt|Decrypt|GenerateDataKey|Verify|GetPublicKey/.test(a))).toEqual(
        [],
      );
    });

    it('encrypts every topic and queue with the rotating customer-managed DataKey', () => {
      // Prepare
      const topics = resourcesOfType(template, 'AWS::SNS::Topic');
      const queues = resourcesOfType(template, 'AWS::SQS::Queue');

      // Act
      const keyOf = (r: CfnResource) => refTarget(r.Properties?.KmsMasterKeyId);

      // Assess
      expect(topics.map(([id]) => id).sort()).toEqual([
        'ActionsTopic',
        'AlarmTopic',
        'ApprovalRequestsTopic',
        'NotificationsTopic',
        'WorkflowTopic',
      ]);
      for (const [, r] of [...topics, ...queues]) expect(keyOf(r)).toBe('DataKey');
      expect(props('DataKey').EnableKeyRotation).toBe(true);
      expect(props('DataKey').KeySpec).toBe('SYMMETRIC_DEFAULT');
      expect(refTarget(props('SlackSecret').KmsKeyId)).toBe('DataKey');
    });
  });

  describe('Example executor', () => {
    const EXECUTOR_RESOURCES = [
      'ExampleExecutorLogGroup',
      'ExampleExecutorFunctionRole',
      'ExampleExecutorFunction',
      'ExampleExecutorSubscription',
      'ExampleExecutorInvokePermission',
      'ExampleExecutorErrorsAlarm',
    ];

    it('deploys only with DeployExampleExecutor=true (default false): every resource of it is conditional', () => {
      // Prepare
      const parameter = template.Parameters?.DeployExampleExecutor;

      // Act
      const byDefault = evaluateCondition('ExampleExecutorOn', resolveCtx());
      const asked = evaluateCondition('ExampleExecutorOn', resolveCtx({ DeployExampleExecutor: 'true' }));
      const conditional = Object.entries(template.Resources)
        .filter(([, r]) => r.Condition === 'ExampleExecutorOn')
        .map(([id]) => id);

      // Assess
      expect(parameter).toMatchObject({ Type: 'String', Default: 'false', AllowedValues: ['true', 'false'] });
      expect([byDefault, asked]).toEqual([false, true]);
      expect(conditional.sort()).toEqual([...EXECUTOR_RESOURCES].sort());
      // Anything that names an executor resource is itself conditional (or picks it with Fn::If).
      for (const [id, r] of Object.entries(template.Resources)) {
        if (conditional.includes(id)) continue;
        const text = JSON.stringify(r).replace(/\{"Fn::If":\["ExampleExecutorOn",[^\]]*\]\}/g, '');
        for (const e of EXECUTOR_RESOURCES) expect(`${id}: ${text.includes(`"${e}"`)}`).toBe(`${id}: false`);
      }
    });

    it('is subscribed to the actions topic, with a redrive policy, an invoke permission and an on-failure destination', () => {
      // Prepare
      const subscription = props('ExampleExecutorSubscription');

      // Act
      const permission = props('ExampleExecutorInvokePermission');
      const dlqSources = (
        props('DeliveryDLQPolicy').PolicyDocument as { Statement: Array<Record<string, unknown>> }
      ).Statement.find((s) => s.Sid === 'FromOurSnsSubscriptions')!.Condition as {
        ArnEquals: { 'aws:SourceArn': unknown[] };
      };

      // Assess
      expect(resource('ExampleExecutorSubscription').Type).toBe('AWS::SNS::Subscription');
      expect(subscription).toEqual({
        TopicArn: { Ref: 'ActionsTopic' },
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['ExampleExecutorFunction', 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeliveryDLQ', 'Arn'] } },
      });
      expect(permission).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['ExampleExecutorFunction', 'Arn'] },
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: 'ActionsTopic' },
      });
      expect(dlqSources.ArnEquals['aws:SourceArn']).toContainEqual({
        'Fn::If': ['ExampleExecutorOn', { Ref: 'ActionsTopic' }, { Ref: 'AWS::NoValue' }],
      });
      expect(props('ExampleExecutorFunction').EventInvokeConfig).toMatchObject({
        DestinationConfig: { OnFailure: { Type: 'SQS', Destination: { 'Fn::GetAtt': ['AsyncFailureDLQ', 'Arn'] } } },
      });
    });

    it("grants only PutItem on the redemptions table and Verify on the signing key, besides logs, tracing, its DLQ and the data key's use", () => {
      // Prepare
      const statements = roleStatements('ExampleExecutorFunction');

      // Act
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      const text = JSON.stringify(statements);

      // Assess
      expect(Object.keys(bySid).sort()).toEqual(
        [
          'DataKeyThroughOurServices',
          'OnFailureDestination',
          'OwnLogs',
          'RedeemReceipts',
          'Tracing',
          'VerifyReceipts',
        ].sort(),
      );
      expect(bySid.RedeemReceipts).toEqual({
        Sid: 'RedeemReceipts',
        Effect: 'Allow',
        Action: 'dynamodb:PutItem',
        Resource: { 'Fn::GetAtt': ['RedemptionsTable', 'Arn'] },
      });
      expect(bySid.VerifyReceipts).toEqual({
        Sid: 'VerifyReceipts',
        Effect: 'Allow',
        Action: 'kms:Verify',
        Resource: { 'Fn::GetAtt': [signingKeyId(), 'Arn'] },
      });
      expect(bySid.OwnLogs?.Resource).toEqual({ 'Fn::GetAtt': ['ExampleExecutorLogGroup', 'Arn'] });
      expect(bySid.OnFailureDestination).toMatchObject({
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['AsyncFailureDLQ', 'Arn'] },
      });
      expect(bySid.DataKeyThroughOurServices?.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': [
            { 'Fn::Sub': 'dynamodb.${AWS::Region}.amazonaws.com' },
            { 'Fn::Sub': 'sqs.${AWS::Region}.amazonaws.com' },
          ],
        },
      });
      expect([...roleActions('ExampleExecutorFunction')].filter((a) => a.startsWith('dynamodb:'))).toEqual([
        'dynamodb:PutItem',
      ]);
      for (const forbidden of [
        'kms:Sign',
        'sns:',
        'states:',
        'secretsmanager:',
        'IncidentsTable',
        'LedgerTable',
        's3:',
      ])
        expect(text).not.toContain(forbidden);
    });

    it('gets the redemptions table and the signing key from its environment, variables its handler reads', () => {
      // Prepare
      const source = readFileSync(path.join(ROOT, 'examples/executor/handler.ts'), 'utf8');

      // Act
      const env = functionEnvironment(
        template,
        'ExampleExecutorFunction',
        resolveCtx({ DeployExampleExecutor: 'true' }),
      );
      const own = Object.keys(
        (props('ExampleExecutorFunction').Environment as { Variables: Record<string, unknown> }).Variables,
      );

      // Assess
      expect(env.REDEMPTIONS_TABLE).toBe('RedemptionsTable');
      expect(env.SIGNING_KEY_ID).toBe(`arn:aws:test:eu-west-1:123456789012:${signingKeyId()}`);
      expect(env).not.toHaveProperty('RECEIPT_PUBLIC_KEY');
      for (const v of [...own, 'SIGNING_KEY_ID']) expect(source).toContain(`env.${v}`);
    });
  });

  describe('Events and workflow', () => {
    it('gives every asynchronous invocation a dead-letter queue or on-failure destination', () => {
      // Prepare
      const checked = template;

      // Act
      const problems = asyncWithoutDeadLetter(checked);

      // Assess
      expect(problems).toEqual([]);
    });

    it('reports a missing DLQ on a rule, a schedule, a function and a queue', () => {
      // Prepare
      const broken = clone(template);
      const sweep = broken.Resources.SweepFunction!.Properties!;
      delete (sweep.Events as Record<string, { Properties: Record<string, unknown> }>).EveryMinute!.Properties
        .DeadLetterConfig;
      delete sweep.EventInvokeConfig;
      delete broken.Resources.IngestQueue!.Properties!.RedrivePolicy;
      delete broken.Resources.NotificationsSubscription!.Properties!.RedrivePolicy;
      const sm = broken.Resources.IncidentStateMachine!.Properties!;
      delete (sm.Events as Record<string, { Properties: Record<string, unknown> }>).IncidentDetected!.Properties
        .DeadLetterConfig;
      const publisher = broken.Resources.LedgerPublisherFunction!.Properties!;
      const publisherEvents = publisher.Events as Record<string, { Properties: Record<string, unknown> }>;
      delete publisherEvents.OutboxWrites!.Properties.DestinationConfig;

      // Act
      const problems = asyncWithoutDeadLetter(broken);

      // Assess
      expect(problems).toHaveLength(6);
      expect(problems.join('\n')).toMatch(/LedgerPublisherFunction\.OutboxWrites: DynamoDB stream mapping without/);
    });

    it('substitutes exactly the placeholders the state machine definition uses', () => {
      // Prepare
      const definition = readFileSync(ASL, 'utf8');
      const sm = props('IncidentStateMachine');

      // Act
      const problems = substitutionProblems(definition, sm.DefinitionSubstitutions as Record<string, unknown>);

      // Assess
      expect(sm.DefinitionUri).toBe('statemachine/incident-response.asl.json');
      expect([...placeholders(definition)].sort()).toEqual([
        'ActionsFunctionArn',
        'ClassifyFunctionArn',
        'CriticalApprovalTimeoutSeconds',
        'HighApprovalTimeoutSeconds',
        'WorkflowTopicArn',
      ]);
      expect(problems).toEqual([]);
    });

    describe('decision windows: one source for the functions and the approval states', () => {
      /** The tier each approval state waits for; every waitForTaskToken state must be here. */
      const APPROVAL_STATES = {
        RequestApprovalHigh: 'high',
        RequestApprovalCritical: 'critical',
        RequestApprovalCriticalUncontained: 'critical',
      } as const;
      type AslStates = Record<string, { Resource?: string; TimeoutSeconds?: unknown }>;

      /** The definition as deployed with `parameters`: substitutions resolved, then put in as text. */
      function deployedStates(parameters: Record<string, string>): AslStates {
        const subs = resolveValue(props('IncidentStateMachine').DefinitionSubstitutions, resolveCtx(parameters));
        const text = readFileSync(ASL, 'utf8').replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, name: string) =>
          String((subs as Record<string, unknown>)[name]),
        );
        return (JSON.parse(text) as { States: AslStates }).States;
      }

      it.each([
        ['the defaults', {}],
        [
          'a shorter high and a longer critical window',
          { HighDecisionWindowSeconds: '1800', CriticalDecisionWindowSeconds: '28800' },
        ],
        ['the longest windows', { HighDecisionWindowSeconds: '86400', CriticalDecisionWindowSeconds: '86400' }],
      ])("gives each approval state TimeoutSeconds = its tier's window + grace, with %s", (_what, parameters) => {
        // Prepare
        const { policy } = parseConfig(functionEnvironment(template, 'SweepFunction', resolveCtx(parameters)));

        // Act
        const states = deployedStates(parameters);

        // Assess
        const waiting = Object.entries(states).filter(([, st]) => st.Resource?.endsWith('.waitForTaskToken'));
        expect(waiting.map(([name]) => name).sort()).toEqual(Object.keys(APPROVAL_STATES).sort());
        for (const [name, state] of waiting) {
          const tier = APPROVAL_STATES[name as keyof typeof APPROVAL_STATES];
          expect({ name, timeout: state.TimeoutSeconds }).toEqual({
            name,
            timeout: policy[tier].decisionWindowSeconds + WORKFLOW_TIMEOUT_GRACE_SECONDS,
          });
        }
      });

      it('allows exactly the windows the configuration accepts, each mapped to window + grace', () => {
        // Prepare
        const params = template.Parameters ?? {};
        const mapping = template.Mappings?.ApprovalStateTimeout ?? {};

        // Act
        const allowed = ['HighDecisionWindowSeconds', 'CriticalDecisionWindowSeconds'].map(
          (p) => params[p]?.AllowedValues,
        );
        const rows = Object.entries(mapping).map(([window, row]) => [Number(window), row.Seconds]);

        // Assess
        expect(allowed).toEqual([DECISION_WINDOW_CHOICES_SECONDS, DECISION_WINDOW_CHOICES_SECONDS]);
        expect(rows).toEqual(DECISION_WINDOW_CHOICES_SECONDS.map((w) => [w, approvalStateTimeoutSeconds(w)]));
        expect([params.HighDecisionWindowSeconds?.Default, params.CriticalDecisionWindowSeconds?.Default]).toEqual([
          3600, 14400,
        ]);
      });

      it('feeds every function the windows from the same parameters', () => {
        // Prepare
        const ctx = resolveCtx({ HighDecisionWindowSeconds: '7200', CriticalDecisionWindowSeconds: '43200' });

        // Act
        const windows = Object.keys(FUNCTIONS).map((id) => {
          const env = functionEnvironment(template, id, ctx);
          return [env.HIGH_DECISION_WINDOW_SECONDS, env.CRITICAL_DECISION_WINDOW_SECONDS];
        });

        // Assess
        expect(new Set(windows.map((w) => w.join()))).toEqual(new Set(['7200,43200']));
      });
    });

    it('reports an unused substitution and a placeholder without one', () => {
      // Prepare
      const definition = '{"Resource": "${ClassifyFunctionArn}", "X": "${Missing}", "Y": "${!Literal}"}';

      // Act
      const problems = substitutionProblems(definition, { ClassifyFunctionArn: 'a', Extra: 'b' });

      // Assess
      expect(problems.sort()).toEqual([
        'placeholder ${Missing} has no substitution',
        'substitution Extra is not used by the definition',
      ]);
    });

    it('logs every transition without execution data (task tokens), and traces', () => {
      // Prepare
      const sm = props('IncidentStateMachine');

      // Act
      const logging = sm.Logging as {
        Level: string;
        IncludeExecutionData: boolean;
        Destinations: Array<{ CloudWatchLogsLogGroup: { LogGroupArn: unknown } }>;
      };

      // Assess
      expect(sm.Type).toBe('STANDARD');
      expect(logging.Level).toBe('ALL');
      expect(logging.IncludeExecutionData).toBe(false);
      expect(refTarget(logging.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn)).toBe('StateMachineLogGroup');
      expect(sm.Tracing).toEqual({ Enabled: true });
    });

    it('starts the workflow from "Incident Detected" events with the detail as input', () => {
      // Prepare
      const events = props('IncidentStateMachine').Events as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >;

      // Act
      const start = Object.values(events).find((e) => e.Type === 'EventBridgeRule');

      // Assess
      expect(start?.Properties.Pattern).toEqual({ source: ['chainsec.agent'], 'detail-type': ['Incident Detected'] });
      expect(start?.Properties.InputPath).toBe('$.detail');
    });

    it('sends "Incident Notification" events, and both topics through the queue, to ingest', () => {
      // Prepare
      const events = props('IngestFunction').Events as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >;

      // Act
      const rule = Object.values(events).find((e) => e.Type === 'EventBridgeRule');
      const subs = resourcesOfType(template, 'AWS::SNS::Subscription').filter(
        ([, s]) => s.Properties?.Protocol === 'sqs',
      );

      // Assess
      expect(rule?.Properties.Pattern).toEqual({
        source: ['chainsec.agent'],
        'detail-type': ['Incident Notification'],
      });
      // Every message reaches IngestQueue unfiltered; only critical approval requests are copied to the critical lane.
      const lane = (queue: string) =>
        subs.filter(([, s]) => refTarget(s.Properties?.Endpoint) === queue).map(([, s]) => s.Properties ?? {});
      expect(
        lane('IngestQueue')
          .map((p) => refTarget(p.TopicArn))
          .sort(),
      ).toEqual(['ApprovalRequestsTopic', 'NotificationsTopic', 'WorkflowTopic']);
      for (const p of lane('IngestQueue')) expect(p.FilterPolicy).toBeUndefined();
      expect(lane('UrgentIngestQueue')).toEqual([
        expect.objectContaining({
          TopicArn: { Ref: 'WorkflowTopic' },
          FilterPolicyScope: 'MessageBody',
          FilterPolicy: { kind: ['approval_request'], tier: ['critical'] },
        }),
        expect.objectContaining({
          TopicArn: { Ref: 'ApprovalRequestsTopic' },
          FilterPolicyScope: 'MessageBody',
          FilterPolicy: { tier: ['critical'] },
        }),
      ]);
      expect(subs).toHaveLength(5);
      for (const [, s] of subs) expect(s.Properties?.RawMessageDelivery).toBe(false);
    });

    it('runs the sweep every minute', () => {
      // Prepare
      const events = props('SweepFunction').Events as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >;

      // Act
      const schedules = Object.values(events).filter((e) => e.Type === 'Schedule' || e.Type === 'ScheduleV2');

      // Assess
      expect(schedules).toHaveLength(1);
      expect(schedules[0]!.Properties.Schedule ?? schedules[0]!.Properties.ScheduleExpression).toBe('rate(1 minute)');
    });

    it('routes POST /slack/events on the HTTP API to the Slack events function', () => {
      // Prepare
      const events = props('SlackEventsFunction').Events as Record<
        string,
        { Type: string; Properties: Record<string, unknown> }
      >;

      // Act
      const routes = Object.values(events).filter((e) => e.Type === 'HttpApi');

      // Assess
      expect(resource('HttpApi').Type).toBe('AWS::Serverless::HttpApi');
      expect(routes).toHaveLength(1);
      expect(routes[0]!.Properties).toMatchObject({ ApiId: { Ref: 'HttpApi' }, Method: 'POST', Path: '/slack/events' });
    });
  });

  describe('Ledger streams and the SIEM feed', () => {
    type StreamEvent = { Type: string; Properties: Record<string, unknown> };
    const eventOf = (fn: string, name: string): StreamEvent => (props(fn).Events as Record<string, StreamEvent>)[name]!;
    const patternOf = (e: StreamEvent): unknown => {
      const filters = (e.Properties.FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters;
      expect(filters).toHaveLength(1);
      return JSON.parse(filters[0]!.Pattern);
    };
    /** A stream record as Lambda delivers it, its image in DynamoDB's attribute-value form. */
    const record = (eventName: string, keys: Record<string, unknown>, image?: Record<string, unknown>) => ({
      eventName,
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: keys,
        ...(image && { NewImage: { ...keys, ...image } }),
        StreamViewType: 'NEW_IMAGE',
        SequenceNumber: '1',
      },
    });
    const onFailureOf = (p: Record<string, unknown>) =>
      refTarget((p.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination);

    it('streams both tables with NEW_IMAGE', () => {
      // Prepare
      const tables = ['IncidentsTable', 'LedgerTable'];

      // Act
      const specs = tables.map((t) => props(t).StreamSpecification);

      // Assess
      for (const spec of specs) expect(spec).toEqual({ StreamViewType: 'NEW_IMAGE' });
    });

    it('maps the incidents stream to the publisher: partial failures, bisect, bounded retries, DLQ', () => {
      // Prepare
      const outbox = eventOf('LedgerPublisherFunction', 'OutboxWrites');

      // Act
      const p = outbox.Properties;

      // Assess
      expect(outbox.Type).toBe('DynamoDB');
      expect(p.Stream).toEqual({ 'Fn::GetAtt': ['IncidentsTable', 'StreamArn'] });
      expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(p.BisectBatchOnFunctionError).toBe(true);
      expect(p.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(p.MaximumRetryAttempts).toBeLessThanOrEqual(10);
      expect(p.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
      expect(p.MaximumBatchingWindowInSeconds).toBe(0);
      expect(onFailureOf(p)).toBe('LedgerStreamsDLQ');
    });

    it('filters the incidents stream to incident items holding unpublished entries', () => {
      // Prepare
      const pattern = patternOf(eventOf('LedgerPublisherFunction', 'OutboxWrites'));
      const keys = { pk: { S: 'INC#abc' }, sk: { S: 'META' } };
      const holding = { unpublishedEntries: { L: [{ S: '{"seq":1}' }, { S: '{"seq":2}' }] }, version: { N: '3' } };

      // Act
      const matches = {
        committed: patternMatches(pattern, record('MODIFY', keys, holding)),
        created: patternMatches(pattern, record('INSERT', keys, holding)),
        published: patternMatches(pattern, record('MODIFY', keys, { version: { N: '3' } })),
        removed: patternMatches(pattern, record('REMOVE', keys)),
        counter: patternMatches(pattern, record('MODIFY', { pk: { S: 'COUNT#x' }, sk: { S: 'COUNT' } }, holding)),
      };

      // Assess
      expect(matches).toEqual({ committed: true, created: true, published: false, removed: false, counter: false });
    });

    it('maps the ledger stream (INSERTs only) to the feed, with the same failure handling', () => {
      // Prepare
      const inserts = eventOf('LedgerFeedFunction', 'LedgerInserts');
      const pattern = patternOf(inserts);
      const keys = { incidentId: { S: 'abc' }, seq: { N: '1' } };

      // Act
      const p = inserts.Properties;

      // Assess
      expect(p.Stream).toEqual({ 'Fn::GetAtt': ['LedgerTable', 'StreamArn'] });
      expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(p.BisectBatchOnFunctionError).toBe(true);
      expect(p.MaximumRetryAttempts).toBeLessThanOrEqual(10);
      expect(onFailureOf(p)).toBe('LedgerStreamsDLQ');
      expect(patternMatches(pattern, record('INSERT', keys, { entry: { S: '{}' } }))).toBe(true);
      expect(patternMatches(pattern, record('MODIFY', keys, { entry: { S: '{}' } }))).toBe(false);
      expect(patternMatches(pattern, record('REMOVE', keys))).toBe(false);
    });

    it('gives the publisher only stream reads, the outbox and ledger calls and its DLQ: no signing, no bus', () => {
      // Prepare
      const statements = roleStatements('LedgerPublisherFunction');

      // Act
      const actions = [...roleActions('LedgerPublisherFunction')].filter((a) => !/^(logs|xray):/.test(a)).sort();
      const on = (action: string) => statements.filter((s) => actionsOf(s).includes(action)).map((s) => s.Resource);

      // Assess
      expect(actions).toEqual(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetItem',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'sqs:SendMessage',
        ].sort(),
      );
      expect(on('dynamodb:GetRecords')).toEqual([{ 'Fn::GetAtt': ['IncidentsTable', 'StreamArn'] }]);
      expect(on('dynamodb:UpdateItem')).toEqual([{ 'Fn::GetAtt': ['IncidentsTable', 'Arn'] }]);
      expect(on('dynamodb:PutItem')).toEqual([{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }]);
      expect(on('sqs:SendMessage')).toEqual([{ 'Fn::GetAtt': ['LedgerStreamsDLQ', 'Arn'] }]);
    });

    it('gives the feed only the ledger stream, PutEvents of its own events on the default bus, and its DLQ', () => {
      // Prepare
      const statements = roleStatements('LedgerFeedFunction');

      // Act
      const actions = [...roleActions('LedgerFeedFunction')].filter((a) => !/^(logs|xray|kms):/.test(a)).sort();
      const put = statements.find((s) => actionsOf(s).includes('events:PutEvents'));
      const putAnywhere = Object.keys(FUNCTIONS).filter((id) => roleActions(id).has('events:PutEvents'));

      // Assess
      expect(actions).toEqual(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'events:PutEvents',
          'sqs:SendMessage',
        ].sort(),
      );
      const defaultBus = 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default';
      expect(put?.Resource).toEqual({ 'Fn::Sub': defaultBus });
      expect(put?.Condition).toEqual({
        StringEquals: { 'events:source': 'chainsec.ledger', 'events:detail-type': 'chainsec Ledger Entry' },
      });
      expect(putAnywhere).toEqual(['LedgerFeedFunction']);
      // The incidents stream carries whole items (task tokens, agent text): only the publisher reads a stream of it.
      const streamReaders = Object.keys(FUNCTIONS).filter((id) => roleActions(id).has('dynamodb:GetRecords'));
      expect(streamReaders.sort()).toEqual(['LedgerFeedFunction', 'LedgerPublisherFunction']);
      const streamRead = statements.find((s) => actionsOf(s).includes('dynamodb:GetRecords'));
      expect(streamRead?.Resource).toEqual({ 'Fn::GetAtt': ['LedgerTable', 'StreamArn'] });
    });

    it('uses the event source and detail-type the code emits', async () => {
      // Prepare
      const { LEDGER_EVENT_SOURCE, LEDGER_EVENT_DETAIL_TYPE } = await import('../../../src/domain/siemEvent');

      // Act
      const put = roleStatements('LedgerFeedFunction').find((s) => actionsOf(s).includes('events:PutEvents'));

      // Assess
      expect(put?.Condition).toEqual({
        StringEquals: { 'events:source': LEDGER_EVENT_SOURCE, 'events:detail-type': LEDGER_EVENT_DETAIL_TYPE },
      });
    });
  });

  describe('Anchors', () => {
    const bucket = () => resource('AnchorBucket');
    const statements = () =>
      (resource('AnchorBucketPolicy').Properties!.PolicyDocument as { Statement: Array<Record<string, any>> })
        .Statement;
    const bucketAndObjects = [{ 'Fn::GetAtt': ['AnchorBucket', 'Arn'] }, { 'Fn::Sub': '${AnchorBucket.Arn}/*' }];

    it('locks every anchor in compliance mode for AnchorRetentionDays (default 400), versioned, retained', () => {
      // Act
      const p = bucket().Properties ?? {};

      // Assess
      expect(p.ObjectLockEnabled).toBe(true);
      expect(p.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: { Ref: 'AnchorRetentionDays' } } },
      });
      expect(template.Parameters?.AnchorRetentionDays).toMatchObject({ Type: 'Number', Default: 400, MinValue: 1 });
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket()).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(p.LifecycleConfiguration).toBeUndefined();
    });

    it('encrypts anchors with the data key (SSE-KMS) and blocks public access', () => {
      // Act
      const p = bucket().Properties ?? {};

      // Assess
      expect(p.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
            },
            BucketKeyEnabled: true,
          },
        ],
      });
      expect(Object.values(p.PublicAccessBlockConfiguration as object)).toEqual([true, true, true, true]);
      const other = statements()
        .filter((st) => st.Action === 's3:PutObject' && st.Sid !== 'AnchorsAreWrittenOnce')
        .map((st) => st.Condition);
      expect(other).toEqual([
        {
          StringNotEqualsIfExists: {
            's3:x-amz-server-side-encryption-aws-kms-key-id': { 'Fn::GetAtt': ['DataKey', 'Arn'] },
          },
        },
        { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      ]);
    });

    it('denies every principal deleting anchors or weakening the lock, and anything without TLS', () => {
      // Act
      const deny = statements().find((st) => st.Sid === 'AnchorsAreWriteOnce')!;
      const tls = statements().find((st) => st.Sid === 'TlsOnly')!;

      // Assess
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: bucketAndObjects });
      expect(deny.Condition).toBeUndefined();
      for (const a of [
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:PutObjectRetention',
        's3:BypassGovernanceRetention',
        's3:PutBucketObjectLockConfiguration',
        's3:PutBucketVersioning',
        's3:PutLifecycleConfiguration',
      ]) {
        expect(deny.Action).toContain(a);
      }
      expect(tls).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: bucketAndObjects });
      expect(tls.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    });

    it('refuses every put of an anchor that is not conditional on its key being new (If-None-Match)', () => {
      // Act
      const once = statements().find((st) => st.Sid === 'AnchorsAreWrittenOnce')!;

      // Assess
      expect(once).toMatchObject({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: { 'Fn::Sub': '${AnchorBucket.Arn}/*' },
        Condition: { Null: { 's3:if-none-match': 'true' } },
      });
    });

    it('lets only the sweep write anchors: put them, and read one back by name (no list, delete or retention)', () => {
      // Act
      const s3ByRole = Object.fromEntries(
        Object.keys(FUNCTIONS).map((fn) => [fn, [...roleActions(fn)].filter((a) => a.startsWith('s3:'))]),
      );
      const put = roleStatements('SweepFunction').find((st) => actionsOf(st).includes('s3:PutObject'));

      // Assess
      expect(s3ByRole).toEqual({
        ...Object.fromEntries(Object.keys(FUNCTIONS).map((fn) => [fn, []])),
        SweepFunction: ['s3:PutObject', 's3:GetObject'],
      });
      expect(put?.Resource).toEqual({ 'Fn::Sub': '${AnchorBucket.Arn}/anchors/*' });
      expect(functionEnvironment(template, 'SweepFunction', resolveCtx()).ANCHOR_BUCKET).toBeDefined();
    });
  });

  describe('Secrets and alarms', () => {
    it('keeps the Slack credentials in a Secrets Manager secret created without real values', () => {
      // Prepare
      const secret = props('SlackSecret');

      // Act
      const placeholder = JSON.parse(String(secret.SecretString)) as Record<string, string>;

      // Assess
      expect(resource('SlackSecret').Type).toBe('AWS::SecretsManager::Secret');
      expect(placeholder).toEqual({ signingSecret: '', botToken: '' });
      expect(JSON.stringify(template)).not.toMatch(/xoxb-[0-9]/);
    });

    it('has the alarms, each notifying AlarmTopic', () => {
      // Prepare
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
      const ctx = resolveCtx();

      // Act
      const byName = Object.fromEntries(
        alarms.map(([id, a]) => [String(resolveValue(a.Properties?.AlarmName, ctx)), { id, p: a.Properties ?? {} }]),
      );
      const dlqs = resourcesOfType(template, 'AWS::SQS::Queue').filter(([id]) => /DLQ$/.test(id));
      const watchedQueues = alarms
        .filter(([, a]) => a.Properties?.Namespace === 'AWS/SQS')
        .map(([, a]) => refTarget((a.Properties!.Dimensions as Array<{ Value: unknown }>)[0]!.Value));
      const watchedFunctions = alarms
        .filter(([, a]) => a.Properties?.Namespace === 'AWS/Lambda' && a.Properties?.MetricName === 'Errors')
        .map(([, a]) => refTarget((a.Properties!.Dimensions as Array<{ Value: unknown }>)[0]!.Value));

      // Assess
      const critical = byName['chainsec-dev-CriticalEventCount']!.p;
      expect(critical).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'CriticalEventCount',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(critical.Dimensions).toEqual([{ Name: 'service', Value: 'chainsec' }]);
      expect(byName['chainsec-dev-ApprovalsPastSla']!.p).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'ApprovalsPastSla',
        Threshold: 1,
      });
      expect(byName['chainsec-dev-SigningFailures']!.p).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'SigningFailures',
        Threshold: 1,
      });
      const undelivered = byName['chainsec-dev-ApprovalRequestsUndelivered']!.p;
      expect(undelivered).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'ApprovalRequestsUndelivered',
        Statistic: 'Sum',
        Period: 60,
        Threshold: 1,
      });
      expect(undelivered).toMatchObject({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(undelivered.Dimensions).toEqual([{ Name: 'service', Value: 'chainsec' }]);
      expect(watchedQueues.sort()).toEqual(dlqs.map(([id]) => id).sort());
      expect(dlqs.length).toBe(4);
      expect(watchedFunctions.sort()).toEqual(Object.keys(FUNCTIONS).sort());
      for (const [, a] of alarms) expect(a.Properties?.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    });

    it('alarms at once when findings past the ones read one by one were kept unread', () => {
      // Act
      const past = resource('FindingsPastLimitAlarm').Properties ?? {};

      // Assess
      expect(past).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'FindingsPastLimit',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(past.Dimensions).toEqual([{ Name: 'service', Value: 'chainsec' }]);
      expect(past.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    });

    it('alarms at once when a proxied call ran but the ledger refused its result', () => {
      // Act
      const unrecorded = resource('ToolCallResultsUnrecordedAlarm').Properties ?? {};

      // Assess
      expect(unrecorded).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'ToolCallResultsUnrecorded',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(unrecorded.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    });

    it('alarms after 3 sweeps in a row missed their anchor', () => {
      // Act
      const missed = resource('AnchorsMissedAlarm').Properties ?? {};

      // Assess
      expect(missed).toMatchObject({
        Namespace: 'ChainSecOps',
        MetricName: 'AnchorsMissed',
        Statistic: 'Sum',
        Period: 60,
      });
      expect(missed).toMatchObject({
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(missed.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(missed.Dimensions).toEqual([{ Name: 'service', Value: 'chainsec' }]);
      expect(missed.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    });

    it('emits the metrics the alarms watch', () => {
      // Prepare
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) => a.Properties?.Namespace === 'ChainSecOps',
      );
      const source = sourceFiles(path.join(ROOT, 'src'))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');

      // Act
      const emitted = new Set([...source.matchAll(/metric(?:\(|: )'([A-Za-z]+)'/g)].map((m) => m[1]));

      // Assess
      expect(alarms).toHaveLength(7);
      for (const [, a] of alarms) expect(emitted).toContain(a.Properties?.MetricName);
    });
  });

  describe('GuardDuty and Security Hub rules', () => {
    type Rule = { Type: string; Properties: { RuleName: unknown; Pattern: unknown; InputPath?: string } };
    const rule = (name: string, parameters: Record<string, string> = {}) => {
      const events = template.Resources.IncidentStateMachine!.Properties!.Events as Record<string, Rule>;
      const r = events[name];
      if (!r) throw new Error(`IncidentStateMachine has no event ${name}`);
      return { ...r, pattern: resolveValue(r.Properties.Pattern, resolveCtx(parameters)) };
    };
    const guardDuty = (severity: number, archived = false) => ({
      source: 'aws.guardduty',
      'detail-type': 'GuardDuty Finding',
      detail: { severity, service: { archived } },
    });
    const asff = (Label: string, Status = 'NEW', RecordState = 'ACTIVE') => ({
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Imported',
      detail: { findings: [{ Severity: { Label }, Workflow: { Status }, RecordState }] },
    });
    const ocsf = (severity_id: number) => ({
      source: 'aws.securityhub',
      'detail-type': 'Findings Imported V2',
      detail: { findings: [{ severity_id }] },
    });

    it('start the incident workflow with the whole event (Classify reads the envelope)', () => {
      for (const name of ['GuardDutyFinding', 'SecurityHubFinding', 'SecurityHubFindingV2']) {
        const r = rule(name);
        expect(r.Type).toBe('EventBridgeRule');
        expect(r.Properties.InputPath).toBeUndefined();
      }
    });

    it('let a GuardDuty finding through from medium (4.0) by default, and from the parameter when set', () => {
      const byDefault = rule('GuardDutyFinding').pattern;
      expect([3.9, 4, 6.9, 8.5].map((s) => eventMatches(byDefault, guardDuty(s)))).toEqual([false, true, true, true]);
      expect(eventMatches(byDefault, guardDuty(8.5, true))).toBe(false);
      const high = rule('GuardDutyFinding', { MinimumFindingSeverity: 'HIGH' }).pattern;
      expect([6.9, 7, 9.1].map((s) => eventMatches(high, guardDuty(s)))).toEqual([false, true, true]);
      expect(eventMatches(rule('GuardDutyFinding', { MinimumFindingSeverity: 'LOW' }).pattern, guardDuty(1))).toBe(
        true,
      );
    });

    it('filter Security Hub ASFF findings on Severity.Label, active and not resolved', () => {
      const byDefault = rule('SecurityHubFinding').pattern;
      const labels = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
      expect(labels.map((l) => eventMatches(byDefault, asff(l)))).toEqual([false, false, true, true, true]);
      expect(eventMatches(byDefault, asff('HIGH', 'RESOLVED'))).toBe(false);
      expect(eventMatches(byDefault, asff('HIGH', 'SUPPRESSED'))).toBe(false);
      expect(eventMatches(byDefault, asff('HIGH', 'NEW', 'ARCHIVED'))).toBe(false);
      const critical = rule('SecurityHubFinding', { MinimumFindingSeverity: 'CRITICAL' }).pattern;
      expect(labels.map((l) => eventMatches(critical, asff(l)))).toEqual([false, false, false, false, true]);
    });

    it('filter Security Hub OCSF findings on severity_id', () => {
      const byDefault = rule('SecurityHubFindingV2').pattern;
      expect([1, 2, 3, 4, 5, 6].map((s) => eventMatches(byDefault, ocsf(s)))).toEqual([
        false,
        false,
        true,
        true,
        true,
        true,
      ]);
      expect(eventMatches(byDefault, guardDuty(9))).toBe(false);
      expect(eventMatches(byDefault, asff('CRITICAL'))).toBe(false);
    });

    it('offer exactly the severities the mapping has a row for', () => {
      const allowed = template.Parameters!.MinimumFindingSeverity!.AllowedValues as string[];
      expect(allowed).toEqual(Object.keys(template.Mappings!.FindingSeverity as object));
      expect(template.Parameters!.MinimumFindingSeverity!.Default).toBe('MEDIUM');
    });

    it('may dead-letter into the DLQ: its queue policy names each rule', () => {
      const policy = JSON.stringify(resolveValue(template.Resources.DeliveryDLQPolicy!.Properties, resolveCtx()));
      for (const name of ['GuardDutyFinding', 'SecurityHubFinding', 'SecurityHubFindingV2']) {
        const ruleName = String(resolveValue(rule(name).Properties.RuleName, resolveCtx()));
        expect(policy).toContain(`:rule/${ruleName}"`);
      }
    });
  });
});
