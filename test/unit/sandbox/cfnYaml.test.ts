import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCfnYaml } from '../../../sandbox/local/cfnYaml';
import { tablesOfTemplate } from '../../../sandbox/local/tablesFromTemplate';

describe('Function: parseCfnYaml', () => {
  it('turns scalar short forms into long forms', () => {
    // Prepare
    const text = [
      'a: !Ref Bucket',
      'b: !GetAtt Fn.Arn',
      'c: !Sub "arn:${AWS::Partition}:x"',
      'd: !GetAZs ""',
      'e: !ImportValue Shared',
      'f: !Condition IsProd',
      'g: !Base64 hi',
    ].join('\n');

    // Act
    const out = parseCfnYaml(text);

    // Assess
    expect(out).toEqual({
      a: { Ref: 'Bucket' },
      b: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      c: { 'Fn::Sub': 'arn:${AWS::Partition}:x' },
      d: { 'Fn::GetAZs': '' },
      e: { 'Fn::ImportValue': 'Shared' },
      f: { Condition: 'IsProd' },
      g: { 'Fn::Base64': 'hi' },
    });
  });

  it('turns sequence and mapping short forms into long forms, nested', () => {
    // Prepare
    const text = [
      'a: !Join [":", [!Ref A, !GetAtt [B, Arn]]]',
      'b: !If [IsProd, !Select [0, !Split [",", !Ref L]], !Ref "AWS::NoValue"]',
      'c: !Sub',
      '  - "${X}-${Y}"',
      '  - { X: !Ref Z, Y: !FindInMap [M, !Ref "AWS::Region", k] }',
      'd: !And [!Equals [a, b], !Not [!Or [!Condition C1, !Condition C2]]]',
      'e: !Cidr [!GetAtt Vpc.CidrBlock, 6, 5]',
      'f: !Base64',
      '  Fn::Sub: x',
    ].join('\n');

    // Act
    const out = parseCfnYaml(text);

    // Assess
    expect(out).toEqual({
      a: { 'Fn::Join': [':', [{ Ref: 'A' }, { 'Fn::GetAtt': ['B', 'Arn'] }]] },
      b: { 'Fn::If': ['IsProd', { 'Fn::Select': [0, { 'Fn::Split': [',', { Ref: 'L' }] }] }, { Ref: 'AWS::NoValue' }] },
      c: { 'Fn::Sub': ['${X}-${Y}', { X: { Ref: 'Z' }, Y: { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'k'] } }] },
      d: {
        'Fn::And': [
          { 'Fn::Equals': ['a', 'b'] },
          { 'Fn::Not': [{ 'Fn::Or': [{ Condition: 'C1' }, { Condition: 'C2' }] }] },
        ],
      },
      e: { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 6, 5] },
      f: { 'Fn::Base64': { 'Fn::Sub': 'x' } },
    });
  });

  it('knows the language extensions forms and refuses a tag CloudFormation does not know', () => {
    // Prepare
    const text = ['a: !ToJsonString { k: !Ref V }', 'b: !Length [1, 2]', 'c: !Transform { Name: AWS::Include }'].join(
      '\n',
    );

    // Act
    const out = parseCfnYaml(text);

    // Assess
    expect(out).toEqual({
      a: { 'Fn::ToJsonString': { k: { Ref: 'V' } } },
      b: { 'Fn::Length': [1, 2] },
      c: { 'Fn::Transform': { Name: 'AWS::Include' } },
    });
    expect(() => parseCfnYaml('a: !Bogus x')).toThrow(/unknown tag.*Bogus/);
  });

  it('reports YAML errors with their position', () => {
    // Act
    const parse = () => parseCfnYaml('a: [1, 2\nb: 3');

    // Assess
    expect(parse).toThrow(/template is not valid YAML/);
  });

  it("parses the repository's template.yaml", () => {
    // Prepare
    const text = readFileSync(path.resolve(__dirname, '../../../template.yaml'), 'utf8');

    // Act
    const template = parseCfnYaml(text) as { Resources: Record<string, { Type: string }> };

    // Assess
    expect(template.Resources.IncidentsTable?.Type).toBe('AWS::DynamoDB::Table');
    expect(tablesOfTemplate(template).map((t) => t.logicalId)).toEqual(
      expect.arrayContaining(['IncidentsTable', 'LedgerTable']),
    );
  });
});

describe('Function: tablesOfTemplate', () => {
  it('keeps what shapes the data and drops what DynamoDB Local refuses', () => {
    // Prepare
    const template = parseCfnYaml(
      [
        'Resources:',
        '  T:',
        '    Type: AWS::DynamoDB::Table',
        '    Properties:',
        '      TableName: !Sub "${AWS::StackName}-t"',
        '      BillingMode: PROVISIONED',
        '      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }',
        '      SSESpecification: { SSEEnabled: true }',
        '      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }',
        '      DeletionProtectionEnabled: true',
        '      Tags: [{ Key: a, Value: b }]',
        '      StreamSpecification: { StreamViewType: NEW_IMAGE }',
        '      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: g, AttributeType: S }]',
        '      KeySchema: [{ AttributeName: pk, KeyType: HASH }]',
        '      GlobalSecondaryIndexes:',
        '        - IndexName: byG',
        '          KeySchema: [{ AttributeName: g, KeyType: HASH }]',
        '          Projection: { ProjectionType: KEYS_ONLY }',
        '          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }',
        '      TimeToLiveSpecification: { AttributeName: ttl, Enabled: false }',
        '  Q:',
        '    Type: AWS::SQS::Queue',
      ].join('\n'),
    );

    // Act
    const tables = tablesOfTemplate(template);

    // Assess
    expect(tables).toEqual([
      {
        logicalId: 'T',
        input: {
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'g', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byG',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
          ],
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        },
      },
    ]);
  });
});
