import {
  AssociateAccessPolicyCommand,
  CreateAccessEntryCommand,
  DeleteAccessEntryCommand,
  DescribeAccessEntryCommand,
  DescribeUpdateCommand,
  DisassociateAccessPolicyCommand,
  type EKSClient,
  ListAssociatedAccessPoliciesCommand,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import type { AccessScope, AssociatedPolicy } from '../../core/plan/access-entries.ts';
import { AdapterError, toAdapterError } from '../../shared/errors.ts';
import type { AccessEntries, AccessEntryInfo } from '../../usecases/ports/eks.ts';
import type { ClusterDescriptions } from './cluster-descriptions.ts';
import { listAllPrincipals } from './eks-diagnostics.ts';

/** Access-entry operations for one cluster over the EKS API. Every SDK error leaves as an AdapterError. */
export function createEksAccessEntries(
  client: EKSClient,
  clusterName: string,
  descriptions: ClusterDescriptions,
): AccessEntries {
  return {
    async describeCluster(options = {}) {
      const cluster = await call(() => descriptions.describe(options.maxAgeMs));
      return {
        name: cluster?.name ?? clusterName,
        status: cluster?.status ?? 'UNKNOWN',
        ...(cluster?.accessConfig?.authenticationMode
          ? { authenticationMode: cluster.accessConfig.authenticationMode }
          : {}),
        ...(cluster?.endpoint ? { endpoint: cluster.endpoint } : {}),
        ...(cluster?.arn ? { arn: cluster.arn } : {}),
      };
    },
    async describeAccessEntry(principalArn) {
      try {
        const { accessEntry } = await call(() =>
          client.send(new DescribeAccessEntryCommand({ clusterName, principalArn })),
        );
        return accessEntry ? toInfo(accessEntry) : undefined;
      } catch (error) {
        if (error instanceof AdapterError && error.code === 'aws_not_found') return undefined;
        throw error;
      }
    },
    async createAccessEntry({ principalArn, clientRequestToken, tags, kubernetesGroups, username }) {
      try {
        const { accessEntry } = await call(() =>
          client.send(
            new CreateAccessEntryCommand({
              clusterName,
              principalArn,
              clientRequestToken,
              tags,
              type: 'STANDARD',
              ...(kubernetesGroups && kubernetesGroups.length > 0 ? { kubernetesGroups: [...kubernetesGroups] } : {}),
              ...(username ? { username } : {}),
            }),
          ),
        );
        if (!accessEntry) throw new AdapterError('unknown', false, { upstream: 'CreateAccessEntry returned no entry' });
        return { created: true, entry: toInfo(accessEntry) };
      } catch (error) {
        if (!(error instanceof AdapterError) || error.code !== 'aws_conflict') throw error;
        // 409 ResourceInUse: the principal already has an entry (ours from an earlier attempt, or someone else's).
        const existing = await this.describeAccessEntry(principalArn);
        if (!existing) throw new AdapterError('aws_conflict', true, { upstream: 'ResourceInUseException' });
        return { created: false, entry: existing };
      }
    },
    async listAssociatedPolicies(principalArn) {
      const policies: AssociatedPolicy[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call(() =>
          client.send(
            new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn, nextToken, maxResults: 100 }),
          ),
        );
        for (const p of page.associatedAccessPolicies ?? []) {
          if (!p.policyArn) continue;
          policies.push({ policyArn: p.policyArn, scope: toScope(p.accessScope) });
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return policies;
    },
    async listPrincipals() {
      return call(() => listAllPrincipals(client, clusterName));
    },
    async listPrincipalsWithPolicy(policyArn) {
      return call(() => listAllPrincipals(client, clusterName, policyArn));
    },
    async associatePolicy(principalArn, policyArn, scope: AccessScope) {
      const accessScope =
        scope.type === 'cluster'
          ? { type: 'cluster' as const }
          : { type: 'namespace' as const, namespaces: [...scope.namespaces] };
      await call(() =>
        client.send(new AssociateAccessPolicyCommand({ clusterName, principalArn, policyArn, accessScope })),
      );
    },
    async deleteAccessEntry(principalArn) {
      try {
        await call(() => client.send(new DeleteAccessEntryCommand({ clusterName, principalArn })));
        return true;
      } catch (error) {
        if (error instanceof AdapterError && error.code === 'aws_not_found') return false;
        throw error;
      }
    },
    async disassociatePolicy(principalArn, policyArn) {
      try {
        await call(() => client.send(new DisassociateAccessPolicyCommand({ clusterName, principalArn, policyArn })));
        return true;
      } catch (error) {
        if (error instanceof AdapterError && error.code === 'aws_not_found') return false;
        throw error;
      }
    },
    async updateAuthenticationMode(mode, clientRequestToken) {
      const { update } = await call(() =>
        client.send(
          new UpdateClusterConfigCommand({
            name: clusterName,
            accessConfig: { authenticationMode: mode },
            clientRequestToken,
          }),
        ),
      );
      // Whatever the answer, the mode may be changing now: the next look at the cluster asks EKS.
      descriptions.forget();
      if (!update?.id)
        throw new AdapterError('unknown', false, { upstream: 'UpdateClusterConfig returned no update id' });
      return { updateId: update.id };
    },
    async describeUpdate(updateId) {
      const { update } = await call(() => client.send(new DescribeUpdateCommand({ name: clusterName, updateId })));
      return {
        status: update?.status ?? 'Unknown',
        errors: (update?.errors ?? []).map((e) => `${e.errorCode ?? 'error'}: ${e.errorMessage ?? ''}`.trim()),
      };
    },
  };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const adapterError = toAdapterError(error);
    // A CONFIG_MAP cluster answers every access-entry call with InvalidRequestException (classified by
    // name, not message text); the mode is checked first, so this is the race where it changed meanwhile.
    if (adapterError.upstream === 'InvalidRequestException') {
      throw new AdapterError('aws_wrong_mode', false, { cause: error, upstream: adapterError.upstream });
    }
    throw adapterError;
  }
}

function toScope(scope: { type?: string; namespaces?: string[] } | undefined): AccessScope {
  return scope?.type === 'namespace' ? { type: 'namespace', namespaces: scope.namespaces ?? [] } : { type: 'cluster' };
}

function toInfo(entry: {
  principalArn?: string;
  type?: string;
  username?: string;
  kubernetesGroups?: string[];
  tags?: Record<string, string>;
  createdAt?: Date;
}): AccessEntryInfo {
  return {
    principalArn: entry.principalArn ?? '',
    type: entry.type ?? 'STANDARD',
    ...(entry.username ? { username: entry.username } : {}),
    kubernetesGroups: entry.kubernetesGroups ?? [],
    tags: entry.tags ?? {},
    ...(entry.createdAt ? { createdAt: entry.createdAt.getTime() } : {}),
  };
}
