import type { ProposedAction } from '../messages';
import type { FindingFacts } from './types';

/**
 * The response catalogue: what chainsec proposes for a finding, keyed by
 * what the finding is about (its detector, type, control id, generator or
 * OCSF class) together with the kind of resource it names. Entries are tried
 * in order and the first that matches wins; an entry whose target the
 * finding lacks (no remote IP, no host) does not match. Operators put their
 * own entries in front through configuration (`FINDING_RESPONSES`), and
 * docs/SOURCES.md shows the default list as the table a security team reviews.
 */

/** What an entry matches: every condition given must hold; a list matches any of its values (`*` is a wildcard). */
export interface ResponseMatch {
  /** Source module: `guardduty`, `securityhub-asff`, `securityhub-ocsf`. */
  source?: readonly string[];
  /** The finding's type: GuardDuty `type`, ASFF `Types[0]`, OCSF `finding_info.types[0]` (or the title). */
  type?: readonly string[];
  /** Security Hub control id (`EC2.8`). A finding without one never matches a `control` condition. */
  control?: readonly string[];
  /** ASFF `GeneratorId`. */
  generator?: readonly string[];
  /** OCSF `class_name` or `class_uid`. */
  ocsfClass?: readonly string[];
  /** The resource kind the source read (`ec2`, `iam_access_key`, `s3`, `lambda`, `container`, ...). */
  family?: readonly string[];
  /** Whether the bucket is public (known only when the detector says). */
  bucketPublic?: boolean;
}

/** One entry of the catalogue. */
export interface FindingResponse {
  /** A short name people and the docs use. */
  name: string;
  when: ResponseMatch;
  /** The action type the executors run, or `investigate` (nothing runs). */
  action: string;
  /** Which identifier of the finding the action acts on. */
  target: 'resource' | 'host' | 'remote_ip' | 'finding';
  reversible: boolean;
  /** How to undo it when reversible; why it cannot be undone otherwise. */
  undo: string;
}

/** The "no action" proposal: people investigate, no executor is asked to do anything. */
export const INVESTIGATE = 'investigate';

const investigate = (name: string, when: ResponseMatch): FindingResponse => ({
  name,
  when,
  action: INVESTIGATE,
  target: 'finding',
  reversible: true,
  undo: 'nothing runs, nothing to undo',
});

/** The default catalogue, first match wins. */
export const DEFAULT_FINDING_RESPONSES: readonly FindingResponse[] = [
  {
    name: 'imdsv2-not-enforced',
    when: { control: ['EC2.8'] },
    action: 'require_imdsv2',
    target: 'resource',
    reversible: true,
    undo: 'set the instance metadata option HttpTokens back to optional',
  },
  {
    name: 's3-public-access-control',
    when: { control: ['S3.1', 'S3.2', 'S3.3', 'S3.8'] },
    action: 'block_public_access',
    target: 'resource',
    reversible: true,
    undo: 'restore the bucket public access block settings',
  },
  investigate('other-control', { control: ['*'] }),
  investigate('configuration-check', { type: ['Software and Configuration Checks*'] }),
  investigate('ocsf-posture', {
    ocsfClass: ['Compliance Finding', '2003', 'Vulnerability Finding', '2002'],
  }),
  {
    name: 's3-public-access-policy',
    when: { source: ['guardduty'], type: ['Policy:S3/*'], family: ['s3'] },
    action: 'block_public_access',
    target: 'resource',
    reversible: true,
    undo: 'restore the bucket public access block settings',
  },
  {
    name: 's3-public-bucket',
    when: { family: ['s3'], bucketPublic: true },
    action: 'block_public_access',
    target: 'resource',
    reversible: true,
    undo: 'restore the bucket public access block settings',
  },
  {
    name: 's3-malicious-caller',
    when: { family: ['s3'] },
    action: 'block_ip',
    target: 'remote_ip',
    reversible: true,
    undo: 'remove the IP from the WAF IP set',
  },
  investigate('s3-other', { family: ['s3'] }),
  {
    name: 'access-key',
    when: { family: ['iam_access_key'] },
    action: 'deactivate_access_key',
    target: 'resource',
    reversible: true,
    undo: 'reactivate the access key',
  },
  {
    name: 'iam-principal',
    when: { family: ['iam_principal'] },
    action: 'revoke_sessions',
    target: 'resource',
    reversible: true,
    undo: "remove the deny policy that revokes the principal's sessions",
  },
  {
    name: 'instance-threat',
    when: { family: ['ec2'] },
    action: 'isolate_instance',
    target: 'resource',
    reversible: true,
    undo: 'restore the instance security groups',
  },
  {
    name: 'container-host',
    when: { family: ['container'] },
    action: 'isolate_instance',
    target: 'host',
    reversible: true,
    undo: 'restore the host instance security groups',
  },
  {
    name: 'lambda-function',
    when: { family: ['lambda'] },
    action: 'throttle_function',
    target: 'resource',
    reversible: true,
    undo: "restore the function's reserved concurrency",
  },
  investigate('attack-sequence', { family: ['attack_sequence'] }),
  {
    name: 'malicious-remote-ip',
    when: {},
    action: 'block_ip',
    target: 'remote_ip',
    reversible: true,
    undo: 'remove the IP from the WAF IP set',
  },
  investigate('anything-else', {}),
];

/** `*`-glob match, case-insensitive. */
function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`, 'i');
  return re.test(value);
}
const escapeRe = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function anyOf(patterns: readonly string[] | undefined, value: string | undefined): boolean {
  if (patterns === undefined) return true;
  return value !== undefined && value !== '' && patterns.some((p) => glob(p, value));
}

/** Whether `when` holds for the finding. */
export function responseMatches(when: ResponseMatch, f: FindingFacts): boolean {
  return (
    anyOf(when.source, f.source) &&
    anyOf(when.type, f.type) &&
    anyOf(when.control, f.controlId) &&
    anyOf(when.generator, f.generator) &&
    anyOf(when.ocsfClass, f.ocsfClass) &&
    anyOf(when.family, f.family) &&
    (when.bucketPublic === undefined || f.bucketPublic === when.bucketPublic)
  );
}

function targetOf(target: FindingResponse['target'], f: FindingFacts): string | undefined {
  const v = { resource: f.resource, host: f.host, remote_ip: f.remoteIp, finding: f.findingId }[target];
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/**
 * The proposal for a finding: the first catalogue entry that matches and
 * whose target the finding names, on that target; `investigate` when none does.
 */
export function findingAction(
  facts: FindingFacts,
  catalogue: readonly FindingResponse[] = DEFAULT_FINDING_RESPONSES,
): { action: ProposedAction; undo?: string; entry?: string } {
  for (const entry of catalogue) {
    if (!responseMatches(entry.when, facts)) continue;
    const target = targetOf(entry.target, facts);
    if (target === undefined) continue;
    if (entry.action === INVESTIGATE) break;
    return {
      action: { type: entry.action, target, reversible: entry.reversible },
      undo: entry.undo,
      entry: entry.name,
    };
  }
  return { action: { type: INVESTIGATE, target: facts.findingId, reversible: true } };
}
