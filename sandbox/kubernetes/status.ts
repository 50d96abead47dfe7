/**
 * Kubernetes `Status` objects (meta/v1) as kube-apiserver writes them for failures, and the error the fake's handlers
 * throw to produce one. Messages follow apimachinery's `errors.New*` constructors.
 */
import { type FakeResponse, json } from '../fake-server.ts';

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class KubernetesError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubernetesError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

export function statusResponse(status: Status, headers: Record<string, string> = {}): FakeResponse {
  return json(status.code, status, headers);
}

/** `configmaps`, `clusterrolebindings.rbac.authorization.k8s.io`: how apimachinery names a resource in messages. */
export interface ResourceRef {
  resource: string;
  group: string;
}

function qualified({ resource, group }: ResourceRef): string {
  return group === '' ? resource : `${resource}.${group}`;
}

function detailsOf(ref: ResourceRef, name: string): StatusDetails {
  return { name, ...(ref.group === '' ? {} : { group: ref.group }), kind: ref.resource };
}

export const unauthorized = (): KubernetesError => new KubernetesError(401, 'Unauthorized', 'Unauthorized');

export function notFound(ref: ResourceRef, name: string): KubernetesError {
  return new KubernetesError(404, 'NotFound', `${qualified(ref)} "${name}" not found`, detailsOf(ref, name));
}

export function alreadyExists(ref: ResourceRef, name: string): KubernetesError {
  return new KubernetesError(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, detailsOf(ref, name));
}

export function conflict(ref: ResourceRef, name: string, why: string): KubernetesError {
  const message = `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`;
  return new KubernetesError(409, 'Conflict', message, detailsOf(ref, name));
}

export const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string): KubernetesError {
  return new KubernetesError(400, 'BadRequest', message);
}

/** 422 for a failed validation; `kind` is the object kind (`ConfigMap`), `group` its API group. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubernetesError {
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  const list = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const summary = list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
  return new KubernetesError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    ...(group === '' ? {} : { group }),
    kind,
    causes,
  });
}

export interface ForbiddenRequest extends ResourceRef {
  verb: string;
  name?: string;
  namespace?: string;
}

export function forbidden(username: string, request: ForbiddenRequest): KubernetesError {
  const target = request.name === undefined ? qualified(request) : `${qualified(request)} "${request.name}"`;
  const scope = request.namespace === undefined ? 'at the cluster scope' : `in the namespace "${request.namespace}"`;
  const message =
    `${target} is forbidden: User "${username}" cannot ${request.verb} resource "${request.resource}" ` +
    `in API group "${request.group}" ${scope}`;
  const details: StatusDetails = {
    ...(request.name === undefined ? {} : { name: request.name }),
    ...(request.group === '' ? {} : { group: request.group }),
    kind: request.resource,
  };
  return new KubernetesError(403, 'Forbidden', message, details);
}

/** The answer kube-apiserver gives for a path no handler serves. */
export function routeNotFound(): Status {
  return failureStatus(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}
