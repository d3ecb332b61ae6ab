import { ChainsecError, ErrorCode, IncidentNotFoundError, SigningFailedError } from '../../src/errors';
import { MESSAGE_BY_CODE, UserMessage, userMessageFor } from '../../src/userMessages';

describe('Function: userMessageFor', () => {
  const codes = Object.values(ErrorCode);

  it.each(codes)('answers %s with its own plain sentence, never the error’s internal message', (code) => {
    // Prepare
    const internal = 'arn:aws:kms:us-east-1:000000000000:key/secret failed at line 42';
    const error = new ChainsecError(code, internal, { ref: 'INC-0000000001' });

    // Act
    const message = userMessageFor(error);

    // Assess
    expect(message).toMatch(/^\S.{10,}[.!]$/);
    expect(message).not.toContain(internal);
    expect(message).not.toMatch(/undefined|\[object|arn:aws/);
  });

  it('has one entry for every error code, and none for a code that does not exist', () => {
    // Assess
    expect(Object.keys(MESSAGE_BY_CODE).sort()).toEqual([...codes].sort());
  });

  it('names the incident it does not know, and says something went wrong for an error without a code', () => {
    // Act
    const unknown = userMessageFor(new IncidentNotFoundError('INC-ABCDEFGHJK'));
    const uncoded = userMessageFor(new Error('socket hang up at 10.0.0.1'));

    // Assess
    expect(unknown).toBe('I do not know incident INC-ABCDEFGHJK.');
    expect(uncoded).toBe('Something went wrong; nothing was recorded. Please try again.');
  });

  it('tells a clicker whose vote could not be signed that nothing was recorded', () => {
    // Act
    const message = userMessageFor(new SigningFailedError('KMS could not sign: KMSInternalException'));

    // Assess
    expect(message).toBe(UserMessage.signingFailed());
    expect(message).toMatch(/not recorded/);
  });
});

describe('Object: UserMessage', () => {
  it('names the channel where a request’s votes count, and who decided a finished one', () => {
    // Act
    const wrongChannel = UserMessage.wrongChannel('C0CRITICAL');
    const decided = UserMessage.alreadyDecided('deny', ['U0APPROVER1', 'U0APPROVER2']);
    const expired = UserMessage.alreadyDecided('expired', []);

    // Assess
    expect(wrongChannel).toBe('Decisions on this request only count on its card, in channel C0CRITICAL.');
    expect(wrongChannel).not.toContain('approvals channel');
    expect(decided).toBe('This request was already decided (deny) by <@U0APPROVER1>, <@U0APPROVER2>.');
    expect(expired).toBe('This request was already decided (expired) by the deadline.');
  });
});
