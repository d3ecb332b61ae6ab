import { buildIncidentCard, CardBlockId } from '../../../src/blocks/incidentCard';
import type { FindingIncident } from '../../../src/domain/incident';
import { ActionId } from '../../../src/domain/actionIds';
import { buildRecord, buttonsOf, NOW, textsOf } from './fixtures';

const CRITICAL = { now: NOW, approvalsNeeded: 2, onTimeout: 'rollback' } as const;

function findingIncident(sample: boolean): FindingIncident {
  return {
    id: 'INC-AAAAAAAAAA',
    kind: 'finding',
    tier: 'critical',
    observedAt: '2026-11-23T13:00:00.000Z',
    title: 'GuardDuty AttackSequence:IAM/CompromisedCredentials',
    finding: {
      source: 'guardduty',
      findingId: 'f-1',
      type: 'AttackSequence:IAM/CompromisedCredentials',
      account: '123456789012',
      region: 'us-east-1',
      resource: 'arn:aws:iam::123456789012:role/app',
      resourceType: 'AttackSequence',
      family: 'attack_sequence',
      count: 1,
      sample,
      severity: '9.5',
      fields: [{ label: 'Resources', value: 'arn:aws:iam::123456789012:role/app' }],
    },
  };
}

const actionText = (blocks: ReturnType<typeof buildIncidentCard>['blocks']): string =>
  JSON.stringify(blocks.find((b) => 'block_id' in b && b.block_id === CardBlockId.Action) ?? {});

describe('an honest finding card', () => {
  it('a critical "investigate" reads as an investigation request: no dry-run words when dry run is off, no Rollback', () => {
    const record = buildRecord({
      incident: findingIncident(false),
      proposedAction: { type: 'investigate', target: 'f-1', reversible: true },
      containment: { type: 'investigate', target: 'f-1', reversible: true, at: NOW.toISOString(), status: 'skipped' },
      dryRun: false,
    });
    const card = buildIncidentCard(record, CRITICAL);
    const text = textsOf(card).join('\n');
    expect(actionText(card.blocks)).toContain('Investigation requested');
    expect(text.toLowerCase()).not.toContain('dry run');
    expect(buttonsOf(card.blocks).map((b) => b.action_id)).not.toContain(ActionId.Rollback);
  });

  it('the Deny confirm of an investigation speaks of the investigation, not of an action that "will not run"', () => {
    const record = buildRecord({
      incident: findingIncident(false),
      proposedAction: { type: 'investigate', target: 'f-1', reversible: true },
      dryRun: false,
    });
    const deny = buttonsOf(buildIncidentCard(record, CRITICAL).blocks).find((b) => b.action_id === ActionId.Deny);
    const confirm = JSON.stringify(deny?.confirm ?? {});
    expect(confirm).toContain('the investigation of INC-AAAAAAAAAA is closed as not needed');
    expect(confirm).not.toContain('will not run');
  });

  it('a skipped containment says dry run only in dry run, and offers Rollback only for what ran (or would have)', () => {
    const containment = {
      type: 'isolate_instance',
      target: 'i-1',
      reversible: true,
      at: NOW.toISOString(),
      status: 'skipped' as const,
    };
    const live = buildIncidentCard(
      buildRecord({ incident: findingIncident(false), containment, dryRun: false }),
      CRITICAL,
    );
    const dry = buildIncidentCard(
      buildRecord({ incident: findingIncident(false), containment, dryRun: true }),
      CRITICAL,
    );
    expect(actionText(live.blocks)).toContain('Containment skipped (nothing changed)');
    expect(buttonsOf(live.blocks).map((b) => b.action_id)).not.toContain(ActionId.Rollback);
    expect(actionText(dry.blocks)).toContain('dry run, nothing changed');
    expect(buttonsOf(dry.blocks).map((b) => b.action_id)).toContain(ActionId.Rollback);
  });

  it('a sample finding is marked "sample finding: no action will run", and has no Rollback', () => {
    const record = buildRecord({
      incident: findingIncident(true),
      proposedAction: { type: 'isolate_instance', target: 'i-1', reversible: true },
      containment: {
        type: 'isolate_instance',
        target: 'i-1',
        reversible: true,
        at: NOW.toISOString(),
        status: 'skipped',
        detail: 'sample finding: no action runs',
      },
    });
    const card = buildIncidentCard(record, CRITICAL);
    expect(textsOf(card).join('\n')).toContain('sample finding: no action will run');
    expect(buttonsOf(card.blocks).map((b) => b.action_id)).not.toContain(ActionId.Rollback);
  });
});
