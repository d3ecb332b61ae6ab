import path from 'node:path';
import { routeEvent, rulesFromTemplate } from '../../../sandbox/local/rulesFromTemplate';

const TEMPLATE = path.resolve(__dirname, '../../../template.yaml');
/** The stack's Security Hub custom action, whose ARN the custom-action rule matches (the sandbox names its own). */
const ACTION = { SendToChainsecAction: 'arn:aws:securityhub:us-east-1:000000000000:action/custom/chainsecdev' };

describe('rulesFromTemplate / routeEvent', () => {
  const rules = rulesFromTemplate(TEMPLATE, ACTION);
  const targets = (event: unknown) => routeEvent(rules, event).map(({ rule }) => `${rule.target}.${rule.name}`);
  const guardDuty = (severity: number) => ({
    version: '0',
    source: 'aws.guardduty',
    'detail-type': 'GuardDuty Finding',
    detail: { severity, type: 'Recon:EC2/PortProbeUnprotectedPort', service: { archived: false } },
  });

  it('routes a medium GuardDuty finding, whole, to the incident workflow and a low one nowhere', () => {
    expect(targets(guardDuty(5))).toEqual(['IncidentStateMachine.GuardDutyFinding']);
    expect(routeEvent(rules, guardDuty(5))[0]!.input).toEqual(guardDuty(5));
    expect(targets(guardDuty(2))).toEqual([]);
  });

  it('honours a parameter override of the threshold', () => {
    const strict = rulesFromTemplate(TEMPLATE, { ...ACTION, MinimumFindingSeverity: 'CRITICAL' });
    expect(routeEvent(strict, guardDuty(8.9))).toEqual([]);
    expect(routeEvent(strict, guardDuty(9))).toHaveLength(1);
  });

  it("routes the agent's own Incident Detected event with its InputPath applied", () => {
    const detail = { id: 'tx-1' };
    const routed = routeEvent(rules, { source: 'chainsec.agent', 'detail-type': 'Incident Detected', detail });
    expect(routed.map((r) => r.rule.target)).toEqual(['IncidentStateMachine']);
    expect(routed[0]!.input).toEqual(detail);
  });

  it('routes a notification to the ingest function, not to a workflow, and ignores unknown events', () => {
    const note = { source: 'chainsec.agent', 'detail-type': 'Incident Notification', detail: {} };
    expect(routeEvent(rules, note).map((r) => r.rule.target)).toEqual(['IngestFunction']);
    expect(targets({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} })).toEqual(
      [],
    );
  });

  it("routes Security Hub custom-action events of the stack's own action only, whole, to the incident workflow", () => {
    const event = (resource: string) => ({
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Custom Action',
      resources: [resource],
      detail: { actionName: 'Send to chainsec', findings: [] },
    });
    expect(targets(event(ACTION.SendToChainsecAction))).toEqual(['IncidentStateMachine.SecurityHubCustomAction']);
    expect(targets(event('arn:aws:securityhub:us-east-1:000000000000:action/custom/ticketing'))).toEqual([]);
  });
});
