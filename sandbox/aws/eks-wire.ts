/**
 * restJson1 encoding for the EKS fake: output shapes as the SDK deserializes them (timestamps as epoch seconds),
 * error responses (`x-amzn-ErrorType` header + `{"message"}`), and decoding of request bodies and query parameters.
 */
import { randomUUID } from 'node:crypto';
import { type FakeRequest, json } from '../fake-server.ts';
import {
  type AccessEntry,
  type AccessScope,
  type AssociatedPolicy,
  AUTHENTICATION_MODES,
  type AuthenticationMode,
  type Cluster,
  type ClusterUpdate,
  EKS_ERROR_STATUS,
  type EksErrorCode,
} from './eks-model.ts';
import { invalidParameter } from './eks-rules.ts';

export type Body = Record<string, unknown>;

export function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return json(status, { message }, { 'x-amzn-errortype': code, 'x-amzn-requestid': randomUUID(), ...headers });
}

export function codeForStatus(status: number): EksErrorCode {
  const known = Object.entries(EKS_ERROR_STATUS).find(([, value]) => value === status);
  return (known?.[0] as EksErrorCode | undefined) ?? 'ServerException';
}

const seconds = (ms: number): number => ms / 1000;

export function clusterJson(cluster: Cluster) {
  return {
    name: cluster.name,
    arn: cluster.arn,
    createdAt: seconds(cluster.createdAt),
    version: cluster.version,
    endpoint: cluster.endpoint,
    roleArn: cluster.roleArn,
    status: cluster.status,
    certificateAuthority: { data: cluster.certificateAuthorityData },
    platformVersion: cluster.platformVersion,
    accessConfig:
      cluster.authenticationMode === undefined
        ? undefined
        : {
            authenticationMode: cluster.authenticationMode,
            bootstrapClusterCreatorAdminPermissions: cluster.bootstrapClusterCreatorAdminPermissions,
          },
    logging: { clusterLogging: [] },
    tags: cluster.tags,
  };
}

export function entryJson(entry: AccessEntry) {
  return {
    clusterName: entry.clusterName,
    principalArn: entry.principalArn,
    kubernetesGroups: entry.kubernetesGroups,
    accessEntryArn: entry.accessEntryArn,
    createdAt: seconds(entry.createdAt),
    modifiedAt: seconds(entry.modifiedAt),
    tags: entry.tags,
    username: entry.username,
    type: entry.type,
  };
}

export function associationJson(policy: AssociatedPolicy) {
  return {
    policyArn: policy.policyArn,
    accessScope: { type: policy.accessScope.type, namespaces: policy.accessScope.namespaces },
    associatedAt: seconds(policy.associatedAt),
    modifiedAt: seconds(policy.modifiedAt),
  };
}

export function updateJson(update: ClusterUpdate) {
  return {
    id: update.id,
    status: update.status,
    type: update.type,
    params: update.params,
    createdAt: seconds(update.createdAt),
    errors: [],
  };
}

export function body(request: FakeRequest): Body {
  if (request.body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Body;
  } catch {
    // answered below
  }
  throw invalidParameter('The request body is not a JSON object.'); // fake's wording
}

export function maxResults(request: FakeRequest): number | undefined {
  const raw = request.query.get('maxResults');
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw invalidParameter('maxResults must be an integer.'); // fake's wording
  return value;
}

export function optionalString(b: Body, key: string): string | undefined {
  const value = b[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string.`);
  return value;
}

export function requiredString(b: Body, key: string): string {
  const value = optionalString(b, key);
  if (value === undefined || value === '') throw invalidParameter(`${key} is required.`);
  return value;
}

export function stringList(b: Body, key: string): string[] | undefined {
  const value = b[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidParameter(`${key} must be a list of strings.`);
  }
  return value as string[];
}

export function stringMap(b: Body, key: string): Record<string, string> | undefined {
  const value = b[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalidParameter(`${key} must be a map of strings.`);
  }
  return value as Record<string, string>;
}

export function scopeOf(b: Body): AccessScope {
  const { accessScope } = b;
  if (typeof accessScope !== 'object' || accessScope === null) throw invalidParameter('accessScope is required.');
  const fields = accessScope as Body;
  const { type } = fields;
  if (type !== 'cluster' && type !== 'namespace')
    throw invalidParameter('accessScope.type must be cluster or namespace.');
  return { type, namespaces: stringList(fields, 'namespaces') ?? [] };
}

export function authenticationModeOf(b: Body): AuthenticationMode {
  const unsupported = Object.keys(b).filter((key) => key !== 'accessConfig' && key !== 'clientRequestToken');
  // Other cluster settings are not modelled: fail loudly (500, recorded in `unexpected`) rather than pretend.
  if (unsupported.length > 0) throw new Error(`UpdateClusterConfig fields not modelled by the fake: ${unsupported}`);
  const { accessConfig } = b;
  const { authenticationMode: mode } =
    typeof accessConfig === 'object' && accessConfig !== null ? (accessConfig as Body) : {};
  const known = AUTHENTICATION_MODES.find((candidate) => candidate === mode);
  if (known === undefined) throw invalidParameter(`Unsupported authentication mode: ${String(mode)}`); // fake's wording
  return known;
}
