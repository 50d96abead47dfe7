/**
 * AWS STS fake (awsQuery, API 2011-06-15): GetCallerIdentity and AssumeRole.
 *
 * Identity follows the access key id in the SigV4 `Authorization` header, the way the real service does. Keys issued
 * by AssumeRole are remembered, so a client that switches to the assumed credentials sees the assumed-role ARN; such a
 * key is only accepted with its session token (`x-amz-security-token`) and until it expires.
 * Point a real `STSClient` at it with `AWS_ENDPOINT_URL_STS=<fake.url>`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeServerOptions } from '../fake-server.ts';
import { assumedRoleArn, parseIamPrincipalArn, uniqueId } from './arn.ts';
import {
  AwsQueryFake,
  accessKeyIdOf,
  isPresigned,
  QueryError,
  type QueryRequest,
  requiredParam,
} from './query-protocol.ts';
import { type PresignedKey, verifyPresignedQuery } from './sts-presigned.ts';

export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** AssumeRole's `DurationSeconds` range: 900 s up to the role's MaxSessionDuration (default 3,600 s). */
export const STS_MIN_DURATION_SECONDS = 900;
export const STS_DEFAULT_DURATION_SECONDS = 3_600;

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  roleArn: string;
  sessionName: string;
  identity: CallerIdentity;
}

export interface StsFakeOptions extends FakeServerOptions {
  /** Identity of any access key not configured in `identities`. */
  defaultIdentity?: CallerIdentity;
  identities?: Record<string, CallerIdentity>;
  /**
   * Secrets of long-term keys, for presigned GETs (EKS and `link` tokens), whose signature the fake verifies: a key
   * not here (nor issued by AssumeRole) is refused with InvalidClientTokenId.
   */
  secrets?: Record<string, string>;
  /** When set, only these role ARNs may be assumed; others get 403 AccessDenied. */
  allowedRoleArns?: string[];
  /** The roles' MaxSessionDuration (default 3,600 s). */
  maxSessionDurationSeconds?: number;
  now?: () => number;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export const DEFAULT_CALLER: CallerIdentity = {
  account: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/sandbox',
  userId: uniqueId('AIDA', 'arn:aws:iam::111122223333:user/sandbox'),
};

export class StsFake extends AwsQueryFake {
  readonly #identities: Map<string, CallerIdentity>;
  readonly #issued = new Map<string, IssuedCredentials>();
  readonly #secrets: Map<string, string>;
  #allowedRoles: Set<string> | undefined;
  #defaultIdentity: CallerIdentity;
  readonly #maxDuration: number;
  readonly #now: () => number;

  constructor(options: StsFakeOptions = {}) {
    super(STS_XML_NAMESPACE, options);
    this.#identities = new Map(Object.entries(options.identities ?? {}));
    this.#secrets = new Map(Object.entries(options.secrets ?? {}));
    this.#allowedRoles = options.allowedRoleArns ? new Set(options.allowedRoleArns) : undefined;
    this.#defaultIdentity = options.defaultIdentity ?? DEFAULT_CALLER;
    this.#maxDuration = options.maxSessionDurationSeconds ?? STS_DEFAULT_DURATION_SECONDS;
    this.#now = options.now ?? Date.now;
    this.action('GetCallerIdentity', (request) => {
      const identity = this.#caller(request);
      return { UserId: identity.userId, Account: identity.account, Arn: identity.arn };
    });
    this.action('AssumeRole', (request) => this.#assumeRole(request));
  }

  static override async start(options: StsFakeOptions = {}): Promise<StsFake> {
    return await new StsFake(options).listen();
  }

  setIdentity(accessKeyId: string, identity: CallerIdentity): void {
    this.#identities.set(accessKeyId, identity);
  }

  /** A long-term key presigned GETs may be signed with, and who it is. */
  addKey(accessKeyId: string, secretAccessKey: string, identity: CallerIdentity): void {
    this.#secrets.set(accessKeyId, secretAccessKey);
    this.#identities.set(accessKeyId, identity);
  }

  setDefaultIdentity(identity: CallerIdentity): void {
    this.#defaultIdentity = identity;
  }

  /** Adds a role to the allow-list (creating the list: from then on other roles are refused). */
  allowRole(roleArn: string): void {
    this.#allowedRoles ??= new Set();
    this.#allowedRoles.add(roleArn);
  }

  /** Every credential set AssumeRole has handed out, oldest first. */
  issued(): IssuedCredentials[] {
    return [...this.#issued.values()];
  }

  #caller(request: QueryRequest): CallerIdentity {
    if (isPresigned(request)) return this.#presignedCaller(request);
    const accessKeyId = accessKeyIdOf(request.headers) ?? '';
    const issued = this.#issued.get(accessKeyId);
    if (!issued) return this.#identities.get(accessKeyId) ?? this.#defaultIdentity;
    if (request.headers['x-amz-security-token'] !== issued.sessionToken) {
      throw new QueryError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (this.#now() >= issued.expiration) {
      throw new QueryError(403, 'ExpiredToken', 'The security token included in the request is expired');
    }
    return issued.identity;
  }

  /** A presigned GET: the signature must verify (headers as sent, date, secret), as real STS checks it. */
  #presignedCaller(request: QueryRequest): CallerIdentity {
    const keyOf = (accessKeyId: string): PresignedKey | undefined => {
      const issued = this.#issued.get(accessKeyId);
      if (issued) {
        if (this.#now() >= issued.expiration) return undefined;
        return { secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken };
      }
      const secret = this.#secrets.get(accessKeyId);
      return secret === undefined ? undefined : { secretAccessKey: secret };
    };
    const accessKeyId = verifyPresignedQuery(request.form, request.headers, { keyOf, now: this.#now() });
    return this.#issued.get(accessKeyId)?.identity ?? this.#identities.get(accessKeyId) ?? this.#defaultIdentity;
  }

  #assumeRole(request: QueryRequest) {
    const caller = this.#caller(request);
    const roleArn = requiredParam(request.form, 'RoleArn');
    const sessionName = requiredParam(request.form, 'RoleSessionName');
    const role = parseIamPrincipalArn(roleArn);
    if (role?.kind !== 'role') throw new QueryError(400, 'ValidationError', `${roleArn} is invalid`);
    if (!SESSION_NAME.test(sessionName)) {
      throw new QueryError(
        400,
        'ValidationError',
        `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`,
      );
    }
    const duration = this.#duration(request.form.get('DurationSeconds'));
    if (this.#allowedRoles && !this.#allowedRoles.has(roleArn)) {
      const message = `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
      throw new QueryError(403, 'AccessDenied', message);
    }
    const assumedRoleId = `${uniqueId('AROA', roleArn)}:${sessionName}`;
    const credentials: IssuedCredentials = {
      accessKeyId: uniqueId('ASIA', randomUUID()),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: this.#now() + duration * 1000,
      roleArn,
      sessionName,
      identity: { account: role.account, arn: assumedRoleArn(role, sessionName), userId: assumedRoleId },
    };
    this.#issued.set(credentials.accessKeyId, credentials);
    return {
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: new Date(credentials.expiration),
      },
      AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: credentials.identity.arn },
    };
  }

  #duration(raw: string | null): number {
    if (raw === null) return STS_DEFAULT_DURATION_SECONDS;
    const seconds = Number(raw);
    if (!Number.isInteger(seconds) || seconds < STS_MIN_DURATION_SECONDS) {
      const message = `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${STS_MIN_DURATION_SECONDS}`;
      throw new QueryError(400, 'ValidationError', message);
    }
    if (seconds > this.#maxDuration) {
      const message = 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
      throw new QueryError(400, 'ValidationError', message);
    }
    return seconds;
  }
}
