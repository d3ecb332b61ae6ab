/**
 * The action family of an affected resource, by its type as Security Hub
 * (ASFF `Resources[].Type`, OCSF `resources[].type`) names it, with the
 * identifier the proposed action needs taken from the resource id.
 */
export function familyOfResource(type: string, id: string): { family: string; target: string } {
  const t = type.toLowerCase();
  if (t === 'awsec2instance') return { family: 'ec2', target: id.match(/instance\/(i-[0-9a-z]+)/)?.[1] ?? id };
  if (t === 'awsiamaccesskey')
    return { family: 'iam_access_key', target: id.match(/(A[KS]IA[0-9A-Z]{12,})/)?.[1] ?? id };
  if (t === 'awss3bucket') return { family: 's3', target: id.replace(/^arn:[^:]+:s3:::/, '') };
  if (t === 'awsekscluster') return { family: 'eks', target: id };
  return { family: 'unknown', target: id };
}
