/**
 * IAM and STS principal ARNs, and the two spellings EKS wants for one principal:
 * access entries take the real IAM ARN (role path included), aws-auth takes role ARNs without path.
 * Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
export type ParsedArn =
  | { kind: 'user'; partition: string; account: string; path: string; name: string }
  | { kind: 'role'; partition: string; account: string; path: string; name: string }
  | { kind: 'assumed-role'; partition: string; account: string; roleName: string; sessionName: string }
  | { kind: 'federated-user'; partition: string; account: string; name: string }
  | { kind: 'root'; partition: string; account: string };

export type ArnProblem = { kind: 'invalid'; reason: string };

const MAX_ARN_LENGTH = 2048;
/** The partitions IAM and STS principals live in (the authenticator rejects any other). */
export const PARTITIONS: ReadonlySet<string> = new Set([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]);
// IAM names: alphanumerics and +=,.@_- ; paths: the same plus '/', starting and ending with '/'.
const NAME = /^[\w+=,.@-]{1,128}$/;
const PATH_SEGMENT = /^[\w+=,.@-]+$/;
const SESSION = /^[\w+=,.@-]{2,64}$/;

export function parseArn(input: string): ParsedArn | ArnProblem {
  if (input.length > MAX_ARN_LENGTH) return invalid('longer than an ARN can be');
  if (/\s/.test(input)) return invalid('contains whitespace or a line break');
  const parts = input.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn')
    return invalid('not of the form arn:partition:service::account:resource');
  const [, partition = '', service, region, account = '', resource = ''] = parts;
  if (!PARTITIONS.has(partition)) return invalid(`unknown partition "${partition}"`);
  if (region !== '') return invalid('IAM and STS ARNs have an empty region field');
  if (!/^\d{12}$/.test(account)) return invalid('the account must be 12 digits');
  if (service === 'iam') return parseIamResource(partition, account, resource);
  if (service === 'sts') return parseStsResource(partition, account, resource);
  return invalid(`service "${service}" is not IAM or STS`);
}

function parseIamResource(partition: string, account: string, resource: string): ParsedArn | ArnProblem {
  if (resource === 'root') return { kind: 'root', partition, account };
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  if (type !== 'user' && type !== 'role') return invalid(`IAM resource type "${type}" is not a user or role`);
  const segments = resource.slice(slash + 1).split('/');
  const name = segments.pop() ?? '';
  if (!NAME.test(name) || (type === 'role' && name.length > 64))
    return invalid(`"${name}" is not a valid ${type} name`);
  if (!segments.every((segment) => PATH_SEGMENT.test(segment)))
    return invalid('the path has an empty or invalid segment');
  const path = segments.length === 0 ? '/' : `/${segments.join('/')}/`;
  return { kind: type, partition, account, path, name };
}

function parseStsResource(partition: string, account: string, resource: string): ParsedArn | ArnProblem {
  const segments = resource.split('/');
  if (segments[0] === 'assumed-role' && segments.length === 3) {
    const [, roleName = '', sessionName = ''] = segments;
    if (!NAME.test(roleName) || roleName.length > 64) return invalid(`"${roleName}" is not a valid role name`);
    if (!SESSION.test(sessionName)) return invalid(`"${sessionName}" is not a valid session name`);
    return { kind: 'assumed-role', partition, account, roleName, sessionName };
  }
  if (segments[0] === 'federated-user' && segments.length === 2 && NAME.test(segments[1] ?? '')) {
    return { kind: 'federated-user', partition, account, name: segments[1] ?? '' };
  }
  return invalid('STS ARNs are assumed-role/ROLE/SESSION or federated-user/NAME');
}

function invalid(reason: string): ArnProblem {
  return { kind: 'invalid', reason };
}

export function isParsedArn(value: ParsedArn | ArnProblem): value is ParsedArn {
  return value.kind !== 'invalid';
}

/** The IAM ARN an access entry needs; undefined when IAM must be asked (assumed roles lose their path). */
export function accessEntryArn(arn: ParsedArn): string | undefined {
  switch (arn.kind) {
    case 'user':
    case 'role':
      return `arn:${arn.partition}:iam::${arn.account}:${arn.kind}${arn.path}${arn.name}`;
    case 'assumed-role':
    case 'federated-user':
    case 'root':
      return undefined;
  }
}

/** The spelling aws-auth matches: roles without path (as the authenticator canonicalizes sessions), users unchanged. */
export function awsAuthArn(arn: ParsedArn): string | undefined {
  switch (arn.kind) {
    case 'role':
      return `arn:${arn.partition}:iam::${arn.account}:role/${arn.name}`;
    case 'assumed-role':
      return `arn:${arn.partition}:iam::${arn.account}:role/${arn.roleName}`;
    case 'user':
      return `arn:${arn.partition}:iam::${arn.account}:user${arn.path}${arn.name}`;
    case 'federated-user':
    case 'root':
      return undefined;
  }
}

/** The role name when IAM GetRole is the way to the real ARN (session ARNs). */
export function roleNameToResolve(arn: ParsedArn): string | undefined {
  return arn.kind === 'assumed-role' ? arn.roleName : undefined;
}
