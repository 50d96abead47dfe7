import type { AwsAuthEdit, AwsAuthEditResult } from '../../core/plan/aws-auth-fold.ts';
import type { PlannedBinding } from '../../core/plan/aws-auth-grant.ts';
import type { SessionBindingPlan } from '../../core/plan/session-grant.ts';
import type { ClusterSettings } from '../../core/settings.ts';
import type { ClusterConnection } from './eks.ts';

/**
 * The aws-auth ConfigMap of one cluster, written only through the cluster's single writer, which folds every
 * pending edit (core `foldAwsAuthEdits`: edit + creator-safety check) into one conflict-checked write.
 */
export interface AwsAuthGateway {
  read(): Promise<{ data: Record<string, string>; resourceVersion: string } | undefined>;
  /** Resolves with this edit's own result once the batch carrying it was written (or refused). */
  submit(
    id: string,
    edit: AwsAuthEdit,
  ): Promise<{
    result: AwsAuthEditResult;
    write?: { resourceVersionBefore?: string; resourceVersionAfter: string; batchSize: number };
  }>;
  /** Creates the group bindings that are missing: `created`, `existing` or `repaired` per binding. */
  ensureBindings(bindings: readonly PlannedBinding[]): Promise<BindingResult[]>;
  /**
   * Deletes the bindings made for these groups while they are still exactly as eks-access made them (labelled
   * ours, that group alone): `deleted`, `gone` (already), or `kept` with why.
   */
  removeBindings(bindings: readonly PlannedBinding[]): Promise<BindingResult[]>;
  /**
   * Per-person grants: binds one username to a ClusterRole (one ClusterRoleBinding, or one RoleBinding per
   * namespace), named deterministically and labelled ours: `created`, `existing` or `repaired` per binding.
   */
  ensureUserBindings(binding: SessionBindingPlan): Promise<UserBindingResult[]>;
  /** Deletes those bindings while they are still exactly as eks-access made them: `deleted`, `gone` or `kept`. */
  removeUserBindings(binding: SessionBindingPlan): Promise<UserBindingResult[]>;
  /** Reads a binding back: it exists and binds the ClusterRole to that username. */
  hasUserBinding(binding: { user: string; clusterRole: string; namespace?: string }): Promise<boolean>;
  canI(question: {
    user: string;
    groups: readonly string[];
    verb: string;
    resource: string;
    namespace?: string;
  }): Promise<{ allowed: boolean; reason?: string }>;
}

/** One RBAC binding for a planned group, and what ensuring or removing it did. */
export interface BindingResult {
  group: string;
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  status: 'created' | 'existing' | 'repaired' | 'deleted' | 'gone' | 'kept';
  why?: string;
}

/** One RBAC binding of a session's username, and what ensuring or removing it did. */
export interface UserBindingResult {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  status: 'created' | 'existing' | 'repaired' | 'deleted' | 'gone' | 'kept';
  why?: string;
}

export interface AwsAuthGateways {
  forCluster(cluster: ClusterSettings, connection: ClusterConnection): AwsAuthGateway;
}
