import { guardDutyResource } from '../../../../src/domain/sources/guarddutyResources';

/**
 * Resource types for which no captured public sample was found, shaped as the GuardDuty user guide's
 * finding format documents them (`resource.lambdaDetails`, `ecsClusterDetails`, `rdsLimitlessDbDetails`,
 * `service.detection.sequence`, `service.action.awsApiCallAction.affectedResources`). The types with real
 * public samples are tested end to end in test/e2e/findingSamples.test.ts.
 */
const ARN = 'arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f1';
const finding = (resource: unknown, service: unknown = {}) => ({ arn: ARN, resource, service });

describe('the resource of each GuardDuty resource type', () => {
  it.each([
    [
      'Lambda',
      {
        resourceType: 'Lambda',
        lambdaDetails: {
          functionName: 'payments',
          functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:payments',
        },
      },
      { resource: 'payments', family: 'lambda' },
    ],
    [
      'ECSCluster with its task',
      {
        resourceType: 'ECSCluster',
        ecsClusterDetails: { name: 'prod', taskDetails: { arn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/abc' } },
      },
      { resource: 'arn:aws:ecs:us-east-1:111122223333:task/prod/abc', family: 'ecs' },
    ],
    [
      'RDSLimitlessDB',
      {
        resourceType: 'RDSLimitlessDB',
        rdsLimitlessDbDetails: { dbShardGroupIdentifier: 'shards-1', dbClusterIdentifier: 'c1' },
      },
      { resource: 'shards-1', family: 'rds' },
    ],
    [
      'EC2NetworkInterface',
      {
        resourceType: 'EC2NetworkInterface',
        instanceDetails: { networkInterfaces: [{ networkInterfaceId: 'eni-0abc' }] },
      },
      { resource: 'eni-0abc', family: 'network_interface' },
    ],
    [
      'S3Object (Malware Protection for S3)',
      { resourceType: 'S3Object', s3BucketDetails: [{ name: 'uploads', s3ObjectDetails: [{ key: 'a/evil.exe' }] }] },
      { resource: 'uploads', family: 's3' },
    ],
    [
      'EKSCluster with a workload',
      {
        resourceType: 'EKSCluster',
        eksClusterDetails: { name: 'prod' },
        kubernetesDetails: { kubernetesWorkloadDetails: { name: 'web', namespace: 'shop', type: 'deployments' } },
      },
      { resource: 'prod', family: 'eks' },
    ],
  ])('%s', (_, resource, expected) => {
    const r = guardDutyResource(finding(resource));
    expect(r).toMatchObject({ ...expected, known: true });
    expect(JSON.stringify(r.fields)).not.toContain(ARN);
  });

  it('an IAM finding with no resource object names what the API call acted on', () => {
    const r = guardDutyResource({
      arn: ARN,
      service: {
        action: {
          awsApiCallAction: { affectedResources: { 'AWS::IAM::Role': 'arn:aws:iam::111122223333:role/deployer' } },
        },
      },
    });
    expect(r).toMatchObject({
      resource: 'arn:aws:iam::111122223333:role/deployer',
      family: 'iam_principal',
      known: true,
    });
  });

  it('an attack sequence names the resources of its signals', () => {
    const r = guardDutyResource(
      finding(
        { resourceType: 'AttackSequence' },
        {
          detection: {
            sequence: {
              resources: [
                { uid: 'arn:aws:s3:::customer-data', type: 'AWS::S3::Bucket' },
                { uid: 'arn:aws:iam::111122223333:role/app', type: 'AWS::IAM::Role' },
              ],
              signals: [{ uid: 's1' }, { uid: 's2' }, { uid: 's3' }],
            },
          },
        },
      ),
    );
    expect(r).toMatchObject({ resource: 'arn:aws:s3:::customer-data', family: 'attack_sequence', known: true });
    expect(r.fields).toEqual([
      {
        label: 'Resources',
        value: 'arn:aws:s3:::customer-data (AWS::S3::Bucket), arn:aws:iam::111122223333:role/app (AWS::IAM::Role)',
      },
      { label: 'Signals', value: '3' },
    ]);
  });

  it('an unknown type falls back to the most specific identifier, never the finding ARN when one exists', () => {
    const r = guardDutyResource(
      finding({ resourceType: 'RecoveryPoint', recoveryPointDetails: { recoveryPointArn: 'arn:aws:backup:rp-1' } }),
    );
    expect(r).toMatchObject({ resource: 'arn:aws:backup:rp-1', known: false, resourceType: 'RecoveryPoint' });
    expect(guardDutyResource(finding({ resourceType: 'Mystery' }))).toMatchObject({ resource: ARN, known: false });
  });
});
