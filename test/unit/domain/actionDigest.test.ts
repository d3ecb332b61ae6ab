import { createHash } from 'node:crypto';
import { parseInbound } from '../../../src/app/parseInbound';
import { actionDigest, shortDigest } from '../../../src/domain/actionDigest';
import type { ApprovalRequest } from '../../../src/domain/messages';
import { onChainEvent } from './fixtures';

describe('Function: actionDigest', () => {
  it('is the SHA-256 of the RFC 8785 JSON: key order and number forms do not change it, a parameter does', () => {
    // Prepare
    const action = {
      type: 'pause_contract',
      target: '0xabc',
      parameters: { limit: 100, chain: 'ethereum' },
      reversible: true,
    };
    const rfc8785 =
      '{"parameters":{"chain":"ethereum","limit":100},"reversible":true,"target":"0xabc","type":"pause_contract"}';

    // Act
    const digest = actionDigest(action);

    // Assess
    expect(digest).toBe(createHash('sha256').update(rfc8785).digest('hex'));
    expect(
      actionDigest(
        JSON.parse(
          '{"reversible":true,"target":"0xabc","type":"pause_contract","parameters":{"chain":"ethereum","limit":1e2}}',
        ),
      ),
    ).toBe(digest);
    expect(actionDigest({ ...action, parameters: { ...action.parameters, limit: 101 } })).not.toBe(digest);
    expect(shortDigest(digest)).toBe(digest.slice(0, 12));
  });

  /** An approval request proposing `proposedAction` (with `extra` keys), as parseInbound reads it. */
  const parsedRequest = (proposedAction: object, extra: object = {}): ApprovalRequest =>
    parseInbound(
      JSON.stringify({
        kind: 'approval_request',
        taskToken: 't',
        incident: onChainEvent(),
        tier: 'high',
        proposedAction,
        ...extra,
      }),
    ) as ApprovalRequest;

  it('is taken by parseInbound over the action as it arrived, parameters and untrimmed text included', () => {
    // Prepare
    const proposedAction = {
      type: ' pause_contract ',
      target: '0xabc',
      parameters: { chain: 'ethereum' },
      reversible: true,
    };

    // Act
    const message = parsedRequest(proposedAction);

    // Assess
    expect(message.actionDigest).toBe(actionDigest(proposedAction));
    expect(message.proposedAction.parameters).toEqual({ chain: 'ethereum' });
  });

  it('is never read from the message itself', () => {
    // Prepare
    const proposedAction = { type: 'pause_contract', target: '0xabc', reversible: true };

    // Act
    const message = parsedRequest(proposedAction, { actionDigest: '0'.repeat(64) });

    // Assess
    expect(message.actionDigest).toBe(actionDigest(proposedAction));
  });
});
