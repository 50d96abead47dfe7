/**
 * AWS IAM fake (awsQuery, API 2010-05-08, a global service): GetRole and GetUser, seeded from ARNs whose path is kept.
 * A missing principal is HTTP 404 `NoSuchEntity`, which the JS SDK surfaces as `NoSuchEntityException`.
 * Point a real `IAMClient` (Region us-east-1) at it with `AWS_ENDPOINT_URL_IAM=<fake.url>`.
 *
 * One fake models one account's IAM: names are unique per account, so roles and users are keyed by name.
 */
import type { FakeServerOptions } from '../fake-server.ts';
import { parseIamPrincipalArn, uniqueId } from './arn.ts';
import type { PrincipalValidator } from './eks-rules.ts';
import { AwsQueryFake, QueryError, requiredParam } from './query-protocol.ts';

export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface IamRole {
  arn: string;
  path: string;
  roleName: string;
  roleId: string;
  /** Epoch milliseconds. */
  createDate: number;
  assumeRolePolicyDocument: string | undefined;
  maxSessionDuration: number;
}

export interface IamUser {
  arn: string;
  path: string;
  userName: string;
  userId: string;
  createDate: number;
}

export interface IamFakeOptions extends FakeServerOptions {
  now?: () => number;
}

export interface AddPrincipalOptions {
  createDate?: Date | number;
  /** Override the unique id (`AROA…`/`AIDA…`); by default it is derived from the ARN, matching the STS fake. */
  uniqueId?: string;
  assumeRolePolicyDocument?: string;
}

/** The text EKS answers for a principal it cannot resolve, e.g. a role's ARN without its path (tae#2969). */
export const EKS_INVALID_PRINCIPAL_MESSAGE = 'The specified principalArn is invalid: invalid principal.';

export class IamFake extends AwsQueryFake {
  readonly #roles = new Map<string, IamRole>();
  readonly #users = new Map<string, IamUser>();
  readonly #now: () => number;

  constructor(options: IamFakeOptions = {}) {
    super(IAM_XML_NAMESPACE, options);
    this.#now = options.now ?? Date.now;
    this.action('GetRole', (request) => {
      const name = requiredParam(request.form, 'RoleName');
      const role = this.#roles.get(name);
      if (!role) throw new QueryError(404, 'NoSuchEntity', `The role with name ${name} cannot be found.`);
      return { Role: roleXml(role) };
    });
    this.action('GetUser', (request) => {
      const name = request.form.get('UserName');
      if (!name)
        throw new QueryError(400, 'ValidationError', 'Must specify userName when calling with non-User credentials');
      const user = this.#users.get(name);
      if (!user) throw new QueryError(404, 'NoSuchEntity', `The user with name ${name} cannot be found.`);
      return {
        User: {
          Path: user.path,
          UserName: user.userName,
          UserId: user.userId,
          Arn: user.arn,
          CreateDate: new Date(user.createDate),
        },
      };
    });
  }

  static override async start(options: IamFakeOptions = {}): Promise<IamFake> {
    return await new IamFake(options).listen();
  }

  /** Adds (or replaces, as a delete-and-recreate would) a role; the path comes from the ARN. */
  addRole(arn: string, options: AddPrincipalOptions = {}): IamRole {
    const parsed = parseIamPrincipalArn(arn);
    if (parsed?.kind !== 'role') throw new Error(`not an IAM role ARN: ${arn}`);
    const role: IamRole = {
      arn,
      path: parsed.path,
      roleName: parsed.name,
      roleId: options.uniqueId ?? uniqueId('AROA', arn),
      createDate: toMillis(options.createDate) ?? this.#now(),
      assumeRolePolicyDocument: options.assumeRolePolicyDocument,
      maxSessionDuration: 3_600,
    };
    this.#roles.set(role.roleName, role);
    return role;
  }

  addUser(arn: string, options: AddPrincipalOptions = {}): IamUser {
    const parsed = parseIamPrincipalArn(arn);
    if (parsed?.kind !== 'user') throw new Error(`not an IAM user ARN: ${arn}`);
    const user: IamUser = {
      arn,
      path: parsed.path,
      userName: parsed.name,
      userId: options.uniqueId ?? uniqueId('AIDA', arn),
      createDate: toMillis(options.createDate) ?? this.#now(),
    };
    this.#users.set(user.userName, user);
    return user;
  }

  removeRole(name: string): boolean {
    return this.#roles.delete(name);
  }

  removeUser(name: string): boolean {
    return this.#users.delete(name);
  }

  role(name: string): IamRole | undefined {
    return this.#roles.get(name);
  }

  user(name: string): IamUser | undefined {
    return this.#users.get(name);
  }

  /**
   * For `EksFake.setPrincipalValidator`: EKS resolves the principal in IAM, so an ARN that names no existing role or
   * user, including the path-less ARN of a role that has a path, is refused.
   */
  principalValidator(): PrincipalValidator {
    return (principalArn) => {
      const parsed = parseIamPrincipalArn(principalArn);
      const known = parsed?.kind === 'role' ? this.#roles.get(parsed.name) : this.#users.get(parsed?.name ?? '');
      return known?.arn === principalArn ? undefined : EKS_INVALID_PRINCIPAL_MESSAGE;
    };
  }
}

function roleXml(role: IamRole) {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    // IAM returns the trust policy URL-encoded inside the XML.
    AssumeRolePolicyDocument:
      role.assumeRolePolicyDocument === undefined ? undefined : encodeURIComponent(role.assumeRolePolicyDocument),
    MaxSessionDuration: role.maxSessionDuration,
  };
}

function toMillis(value: Date | number | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}
