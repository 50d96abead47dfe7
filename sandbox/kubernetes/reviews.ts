/**
 * SubjectAccessReview (authorization.k8s.io/v1) and SelfSubjectReview (authentication.k8s.io/v1) bodies: validation
 * as kube-apiserver does it, and the answers.
 */
import type { UserInfo } from './identity.ts';
import { asObject, type Body } from './object-store.ts';
import type { AccessRequest } from './rbac.ts';
import { invalid, type StatusCause } from './status.ts';

export type AccessReviewBody = Body & { spec?: unknown };

const AUTHORIZATION_GROUP = 'authorization.k8s.io';

export function subjectAccessRequest(review: AccessReviewBody): AccessRequest {
  const spec = asObject(review.spec);
  const user = typeof spec['user'] === 'string' ? spec['user'] : '';
  const groups = Array.isArray(spec['groups']) ? spec['groups'].filter((g): g is string => typeof g === 'string') : [];
  const hasResource = spec['resourceAttributes'] !== undefined && spec['resourceAttributes'] !== null;
  const hasNonResource = spec['nonResourceAttributes'] !== undefined && spec['nonResourceAttributes'] !== null;
  const causes: StatusCause[] = [];
  if (hasResource === hasNonResource) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.resourceAttributes',
      message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  }
  if (user === '' && groups.length === 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'spec.user',
      message: 'Invalid value: "": at least one of user or group must be specified',
    });
  }
  if (causes.length > 0) throw invalid('SubjectAccessReview', AUTHORIZATION_GROUP, '', causes);
  if (hasNonResource) {
    const attributes = asObject(spec['nonResourceAttributes']);
    return { user, groups, nonResource: { path: text(attributes['path']), verb: text(attributes['verb']) } };
  }
  const attributes = asObject(spec['resourceAttributes']);
  return {
    user,
    groups,
    resource: {
      namespace: text(attributes['namespace']),
      verb: text(attributes['verb']),
      group: text(attributes['group']),
      resource: text(attributes['resource']),
      subresource: text(attributes['subresource']),
      name: text(attributes['name']),
    },
  };
}

export function selfSubjectReview(_body: Body, user: UserInfo): Body {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    status: { userInfo: user },
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
