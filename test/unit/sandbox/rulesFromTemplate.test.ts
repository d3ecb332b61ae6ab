import path from 'node:path';
import { routeEvent, rulesFromTemplate } from '../../../sandbox/local/rulesFromTemplate';

const TEMPLATE = path.resolve(__dirname, '../../../template.yaml');

describe('rulesFromTemplate / routeEvent', () => {
  const rules = rulesFromTemplate(TEMPLATE);
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
    const strict = rulesFromTemplate(TEMPLATE, { MinimumFindingSeverity: 'CRITICAL' });
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
});
