/**
 * "Can this mapped user do what the level promises?" answered by the cluster's own authorizer through a
 * SubjectAccessReview, as evidence after an aws-auth write (e.g. `eks-access:view` can `list pods`). The bot needs
 * `create` on `subjectaccessreviews`; the review changes nothing.
 */
import type { AuthorizationV1Api } from '@kubernetes/client-node';
import { toKubernetesError } from './cluster-api.ts';

export interface AccessQuestion {
  /** The username aws-auth maps the principal to. */
  user: string;
  /** The mapped groups (`system:authenticated` is not added for you). */
  groups?: readonly string[];
  verb: string;
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  /** API group; '' (core) when absent. */
  group?: string;
  /** Absent for a cluster-wide question (all namespaces). */
  namespace?: string;
  subresource?: string;
  name?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  /** An explicit deny from an authorizer (RBAC never denies; absent or false means "no rule allows it"). */
  isDenied: boolean;
  /** The authorizer's explanation, e.g. which binding allowed it; '' when it gave none. */
  reason: string;
  /** Set when an authorizer failed to evaluate (the answer may be incomplete). */
  evaluationError?: string;
}

export async function canI(api: AuthorizationV1Api, question: AccessQuestion): Promise<AccessAnswer> {
  const resourceAttributes = {
    verb: question.verb,
    resource: question.resource,
    group: question.group ?? '',
    ...(question.namespace === undefined ? {} : { namespace: question.namespace }),
    ...(question.subresource === undefined ? {} : { subresource: question.subresource }),
    ...(question.name === undefined ? {} : { name: question.name }),
  };
  try {
    const review = await api.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: question.user, groups: [...(question.groups ?? [])], resourceAttributes },
      },
    });
    const status = review.status;
    return {
      allowed: status?.allowed === true,
      isDenied: status?.denied === true,
      reason: status?.reason ?? '',
      ...(status?.evaluationError ? { evaluationError: status.evaluationError } : {}),
    };
  } catch (error) {
    throw toKubernetesError(error);
  }
}
