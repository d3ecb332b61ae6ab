import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The action digest (docs/RECEIPTS.md): lowercase hex SHA-256 of the RFC 8785
 * canonical JSON of a request's `proposedAction`, as it arrived. It binds a
 * decision, and its receipt, to this action with these parameters: an action
 * changed after the approval has another digest. The only place it is computed.
 * @throws TypeError when the value has no JSON rendering (undefined, a function, a cycle)
 */
export function actionDigest(action: unknown): string {
  const text = canonicalize(action);
  if (text === undefined) throw new TypeError('the action has no JSON rendering');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Characters of the digest shown on a card, for a person to compare with the executor's log. */
const SHORT_DIGEST_CHARS = 12;

/** The digest's short form shown on cards (its first 12 hex characters). */
export function shortDigest(digest: string): string {
  return digest.slice(0, SHORT_DIGEST_CHARS);
}

/** The action part of a containment the agent carried out: what rolling it back undoes. */
export interface ContainmentAction {
  type: string;
  target: string;
  parameters?: Record<string, unknown>;
  reversible: boolean;
}

/**
 * The digest a rollback's receipt binds: {@link actionDigest} of the
 * containment's action (`type`, `target`, `parameters` when present,
 * `reversible`), the same object the workflow's rollback command carries as
 * its `action`. A command rolling back anything else has another digest, and
 * an executor that checks the receipt refuses it.
 */
export function containmentActionDigest(containment: ContainmentAction): string {
  const { type, target, parameters, reversible } = containment;
  return actionDigest({ type, target, ...(parameters !== undefined && { parameters }), reversible });
}
