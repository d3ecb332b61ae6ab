import type { AffectedResource } from './types';

/**
 * The resource a Security Hub finding is about, by its type as the format
 * names it: ASFF `Resources[].Type` (`AwsEc2Instance`) or OCSF
 * `resources[].type`, which uses CloudFormation-style names
 * (`AWS::EC2::Instance`). Both spellings reduce to one key
 * (`awsec2instance`). The target an action needs is taken from the id (an
 * instance id from an instance ARN, a bucket name from a bucket ARN...);
 * the id itself is what the card shows.
 */

interface Kind {
  family: string;
  /** The target inside the id (the id itself when it does not match). */
  target?: RegExp;
}

const KINDS: Record<string, Kind> = {
  awsec2instance: { family: 'ec2', target: /(i-[0-9a-z]+)$/ },
  awsiamaccesskey: { family: 'iam_access_key', target: /(A[KS]IA[0-9A-Z]{12,})/ },
  awss3bucket: { family: 's3', target: /^arn:[^:]+:s3:::([^/]+)$/ },
  awsekscluster: { family: 'eks', target: /:cluster\/(.+)$/ },
  awsecscluster: { family: 'ecs', target: /:cluster\/(.+)$/ },
  awsecstask: { family: 'ecs' },
  awslambdafunction: { family: 'lambda', target: /:function:([^:]+)/ },
  awsrdsdbinstance: { family: 'rds', target: /:db:(.+)$/ },
  awsrdsdbcluster: { family: 'rds', target: /:cluster:(.+)$/ },
  awsec2networkinterface: { family: 'network_interface', target: /(eni-[0-9a-z]+)$/ },
  awsec2securitygroup: { family: 'security_group', target: /(sg-[0-9a-z]+)$/ },
  awsiamrole: { family: 'iam_principal' },
  awsiamuser: { family: 'iam_principal' },
  awsiampolicy: { family: 'iam_policy' },
  awsaccount: { family: 'account' },
  container: { family: 'container' },
};

/** `AwsEc2Instance` and `AWS::EC2::Instance` → `awsec2instance`. */
export function resourceKey(type: string): string {
  return type.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The resource of a Security Hub finding.
 * @returns `known: false` for a type this module does not read: its id is still the identifier shown and acted on
 */
export function securityHubResource(type: string, id: string): AffectedResource & { known: boolean; target: string } {
  const kind = KINDS[resourceKey(type)];
  const target = (kind?.target && id.match(kind.target)?.[1]) || id;
  return {
    resourceType: type,
    resource: id,
    target,
    family: kind?.family ?? 'unknown',
    fields: id ? [{ label: type, value: id }] : [],
    known: kind !== undefined,
  };
}
