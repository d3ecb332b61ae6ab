import { at, isObj, optText } from './read';
import type { AffectedResource } from './types';

/**
 * The resource a GuardDuty finding is about, read from the detector's own
 * fields for each `resource.resourceType` of the GuardDuty finding format
 * (Instance, AccessKey, S3Bucket, S3Object, EKSCluster with its Kubernetes
 * workload, ECSCluster, Container, Lambda, RDSDBInstance, RDSLimitlessDB,
 * EC2NetworkInterface, and attack sequences). A finding with no resource
 * object is about what it points at: the API call's `affectedResources`, or
 * the resources of an attack sequence's signals. An unknown type falls back
 * to the most specific identifier the finding holds (`known: false`).
 */

type Reader = (r: unknown, f: unknown) => AffectedResource | undefined;

const text = (root: unknown, path: string, max = 300): string | undefined => optText(root, path, max);

/** The workload line of a Kubernetes finding (`namespace/name (type)`), when it names one. */
function workloadOf(r: unknown): string | undefined {
  const w = at(r, 'kubernetesDetails.kubernetesWorkloadDetails');
  const name = text(w, 'name');
  if (!name) return undefined;
  const ns = text(w, 'namespace');
  const type = text(w, 'type', 50);
  return `${ns ? `${ns}/` : ''}${name}${type ? ` (${type})` : ''}`;
}

/** The host instance of a runtime finding, when the finding names one. */
const hostOf = (r: unknown): string | undefined => text(r, 'instanceDetails.instanceId', 100);

const instance: Reader = (r) => {
  const id = hostOf(r);
  if (!id) return undefined;
  return { resourceType: 'Instance', resource: id, family: 'ec2', fields: [{ label: 'Instance', value: id }] };
};

const accessKey: Reader = (r) => {
  const key = text(r, 'accessKeyDetails.accessKeyId') ?? '';
  const user = text(r, 'accessKeyDetails.userName') ?? '';
  if (!key && !user) return undefined;
  const fields = [
    ...(key ? [{ label: 'Access key', value: key }] : []),
    ...(user ? [{ label: 'User', value: user }] : []),
  ];
  return { resourceType: 'AccessKey', resource: key || user, family: 'iam_access_key', fields };
};

/** `publicAccess.effectivePermission` of the first bucket: only `PUBLIC` is public. */
function bucketIsPublic(bucket: unknown): boolean {
  return text(bucket, 'publicAccess.effectivePermission', 50) === 'PUBLIC';
}

const s3: Reader = (r) => {
  const buckets = at(r, 's3BucketDetails');
  const list = Array.isArray(buckets) ? buckets.filter(isObj) : [];
  const names = list.map((b) => text(b, 'name', 200) ?? '').filter(Boolean);
  if (names.length === 0) return undefined;
  const objects = list.flatMap((b) => {
    const o = at(b, 's3ObjectDetails');
    return Array.isArray(o) ? o.map((x) => text(x, 'key', 500) ?? '').filter(Boolean) : [];
  });
  return {
    resourceType: 'S3Bucket',
    resource: names[0]!,
    family: 's3',
    bucketPublic: bucketIsPublic(list[0]),
    fields: [
      { label: 'Bucket', value: names.join(', ') },
      ...(objects.length > 0 ? [{ label: 'Object', value: objects.join(', ') }] : []),
    ],
  };
};

const eks: Reader = (r) => {
  const name = text(r, 'eksClusterDetails.name', 200) ?? text(r, 'eksClusterDetails.arn', 500);
  if (!name) return undefined;
  const workload = workloadOf(r);
  return {
    resourceType: 'EKSCluster',
    resource: name,
    family: 'eks',
    fields: [{ label: 'EKS cluster', value: name }, ...(workload ? [{ label: 'Workload', value: workload }] : [])],
  };
};

const ecs: Reader = (r) => {
  const cluster = text(r, 'ecsClusterDetails.name', 200) ?? text(r, 'ecsClusterDetails.arn', 500);
  if (!cluster) return undefined;
  const task = text(r, 'ecsClusterDetails.taskDetails.arn', 500);
  return {
    resourceType: 'ECSCluster',
    resource: task ?? cluster,
    family: 'ecs',
    fields: [{ label: 'ECS cluster', value: cluster }, ...(task ? [{ label: 'Task', value: task }] : [])],
  };
};

/** A runtime finding's container: the host instance is what containment acts on; the container is shown too. */
const container: Reader = (r) => {
  const c = at(r, 'containerDetails');
  const id = text(c, 'id', 200) ?? text(c, 'name', 200);
  const image = text(c, 'image', 500);
  const host = hostOf(r);
  const cluster = eks(r, undefined) ?? ecs(r, undefined);
  if (!id && !host && !cluster) return undefined;
  const resource = host ?? cluster?.resource ?? id!;
  return {
    resourceType: 'Container',
    resource,
    family: 'container',
    ...(host && { host }),
    fields: [
      ...(id ? [{ label: 'Container', value: id }] : []),
      ...(image ? [{ label: 'Image', value: image }] : []),
      ...(host ? [{ label: 'Host instance', value: host }] : []),
      ...(cluster?.fields ?? []),
    ],
  };
};

const lambda: Reader = (r) => {
  const name = text(r, 'lambdaDetails.functionName', 200);
  const arn = text(r, 'lambdaDetails.functionArn', 500);
  if (!name && !arn) return undefined;
  return {
    resourceType: 'Lambda',
    resource: name ?? arn!,
    family: 'lambda',
    fields: [{ label: 'Lambda function', value: arn ?? name! }],
  };
};

const rdsUser = (r: unknown): { label: string; value: string }[] => {
  const user = text(r, 'rdsDbUserDetails.user', 200);
  return user ? [{ label: 'DB user', value: user }] : [];
};

const rdsInstance: Reader = (r) => {
  const id = text(r, 'rdsDbInstanceDetails.dbInstanceIdentifier', 200);
  if (!id) return undefined;
  const cluster = text(r, 'rdsDbInstanceDetails.dbClusterIdentifier', 200);
  return {
    resourceType: 'RDSDBInstance',
    resource: id,
    family: 'rds',
    fields: [
      { label: 'RDS instance', value: id },
      ...(cluster ? [{ label: 'RDS cluster', value: cluster }] : []),
      ...rdsUser(r),
    ],
  };
};

const rdsLimitless: Reader = (r) => {
  const d = at(r, 'rdsLimitlessDbDetails');
  const shards = text(d, 'dbShardGroupIdentifier', 200) ?? text(d, 'dbShardGroupArn', 500);
  if (!shards) return undefined;
  const cluster = text(d, 'dbClusterIdentifier', 200);
  return {
    resourceType: 'RDSLimitlessDB',
    resource: shards,
    family: 'rds',
    fields: [
      { label: 'DB shard group', value: shards },
      ...(cluster ? [{ label: 'RDS cluster', value: cluster }] : []),
      ...rdsUser(r),
    ],
  };
};

const networkInterface: Reader = (r) => {
  const nics = at(r, 'instanceDetails.networkInterfaces');
  const eni = Array.isArray(nics) ? text(nics[0], 'networkInterfaceId', 100) : undefined;
  if (!eni) return undefined;
  return {
    resourceType: 'EC2NetworkInterface',
    resource: eni,
    family: 'network_interface',
    fields: [{ label: 'Network interface', value: eni }],
  };
};

/**
 * An attack sequence: the resources its signals touched
 * (`service.detection.sequence.resources[]`), the first one named as the resource.
 */
const attackSequence: Reader = (_r, f) => {
  const seq = at(f, 'service.detection.sequence');
  const resources = at(seq, 'resources');
  const named = (Array.isArray(resources) ? resources : [])
    .map((x) => ({ id: text(x, 'uid', 500) ?? text(x, 'name', 300), type: text(x, 'type', 100) }))
    .filter((x): x is { id: string; type: string | undefined } => x.id !== undefined);
  const signals = at(seq, 'signals');
  const count = Array.isArray(signals) ? signals.length : 0;
  if (named.length === 0) return undefined;
  return {
    resourceType: 'AttackSequence',
    resource: named[0]!.id,
    family: 'attack_sequence',
    fields: [
      {
        label: 'Resources',
        value: named
          .slice(0, 5)
          .map((x) => (x.type ? `${x.id} (${x.type})` : x.id))
          .join(', '),
      },
      ...(count > 0 ? [{ label: 'Signals', value: String(count) }] : []),
    ],
  };
};

/** The CloudFormation-style types of `affectedResources` (`AWS::IAM::Role`) → the family acted on. */
const AFFECTED_FAMILY: Record<string, string> = {
  'AWS::S3::Bucket': 's3',
  'AWS::EC2::Instance': 'ec2',
  'AWS::IAM::AccessKey': 'iam_access_key',
  'AWS::IAM::Role': 'iam_principal',
  'AWS::IAM::User': 'iam_principal',
  'AWS::Lambda::Function': 'lambda',
};

/** What the API call a finding describes acted on (`service.action.awsApiCallAction.affectedResources`). */
const affected: Reader = (_r, f) => {
  const a = at(f, 'service.action.awsApiCallAction.affectedResources');
  if (!isObj(a)) return undefined;
  const entries = Object.entries(a).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== '',
  );
  const [type, id] = entries[0] ?? [];
  if (!type || !id) return undefined;
  return {
    resourceType: type.slice(0, 100),
    resource: id.slice(0, 500),
    family: AFFECTED_FAMILY[type] ?? 'unknown',
    fields: [{ label: type.slice(0, 100), value: id.slice(0, 500) }],
  };
};

/** Readers by `resource.resourceType`, each the type's own fields, most specific first. */
const BY_TYPE: Record<string, readonly Reader[]> = {
  Instance: [instance, networkInterface],
  AccessKey: [accessKey, affected],
  S3Bucket: [s3],
  S3Object: [s3],
  EKSCluster: [eks],
  KubernetesCluster: [eks],
  ECSCluster: [ecs],
  Container: [container],
  Lambda: [lambda],
  RDSDBInstance: [rdsInstance],
  RDSLimitlessDB: [rdsLimitless],
  EC2NetworkInterface: [networkInterface, instance],
  AttackSequence: [attackSequence],
};

/** Keys that hold an identifier inside a `*Details` object, most specific first. */
const ID_KEYS = ['arn', 'id', 'name'];

/** The most specific identifier under `resource` (any `*Details` object's arn, id or name), else what the finding points at. */
function mostSpecificId(r: unknown, f: unknown): AffectedResource | undefined {
  if (isObj(r)) {
    for (const [key, details] of Object.entries(r)) {
      if (!key.endsWith('Details')) continue;
      const first = Array.isArray(details) ? details[0] : details;
      if (!isObj(first)) continue;
      for (const k of Object.keys(first)) {
        const lower = k.toLowerCase();
        if (!ID_KEYS.some((idKey) => lower === idKey || lower.endsWith(idKey))) continue;
        const v = text(first, k, 500);
        if (v) return { resourceType: key.replace(/Details$/, ''), resource: v, family: 'unknown', fields: [] };
      }
    }
  }
  return affected(r, f) ?? attackSequence(r, f);
}

/**
 * The resource a GuardDuty finding is about.
 * @returns `known: false` when its type is not one this module reads, or its
 *   own fields named nothing: then the most specific identifier found (the
 *   finding's ARN only when there is none)
 */
export function guardDutyResource(f: unknown): AffectedResource & { known: boolean } {
  const r = at(f, 'resource');
  const type = optText(r, 'resourceType', 100);
  // IAM findings with no resource object name their target in the API call; attack sequences in their signals.
  const readers = type ? (BY_TYPE[type] ?? []) : [affected, attackSequence];
  for (const read of readers) {
    const got = read(r, f);
    if (got) return { ...got, ...(type && got.resourceType !== type && { resourceType: type }), known: true };
  }
  const fallback = mostSpecificId(r, f);
  if (fallback)
    return {
      ...fallback,
      resourceType: type ?? fallback.resourceType,
      fields: fallback.fields.length > 0 ? fallback.fields : [{ label: 'Resource', value: fallback.resource }],
      known: false,
    };
  const arn = optText(f, 'arn', 2000) ?? '';
  return {
    resourceType: type ?? 'Unknown',
    resource: arn,
    family: 'unknown',
    fields: arn ? [{ label: 'Finding', value: arn }] : [],
    known: false,
  };
}
