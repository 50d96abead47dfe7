/**
 * The EKS fake's state and the service semantics around it: clusters, access entries, policy associations and
 * authentication-mode updates. It knows nothing about HTTP; the wire layer (`eks.ts`) maps requests onto it.
 */
import { randomUUID } from 'node:crypto';
import { parseIamPrincipalArn } from './arn.ts';
import {
  type AccessEntry,
  type AccessScope,
  type AddClusterInput,
  type AssociatedPolicy,
  AUTHENTICATION_MODES,
  type AuthenticationMode,
  accessPolicyArn,
  type Cluster,
  type ClusterUpdate,
  CORE_ACCESS_POLICIES,
  type CreateEntryInput,
  EKS_ACCESS_ENTRIES_PER_CLUSTER_MAX,
  EKS_MESSAGES,
  EksError,
  type ListEntriesInput,
  regionPartition,
  type SeedEntryInput,
} from './eks-model.ts';
import {
  checkGroups,
  checkPrincipal,
  checkScope,
  checkStandardOnlyFields,
  checkType,
  checkUsername,
  defaultUsername,
  invalidParameter,
  type Page,
  type PrincipalValidator,
  paginate,
} from './eks-rules.ts';

export type { AddClusterInput, CreateEntryInput, ListEntriesInput, SeedEntryInput } from './eks-model.ts';

export interface EksStateOptions {
  now?: () => number;
  /** How long an authentication-mode update stays InProgress before it applies (default 0: at the next request). */
  updateDelayMs?: number;
  validatePrincipal?: PrincipalValidator;
  /** Names returned by ListAccessPolicies (default: the core five). */
  accessPolicyNames?: readonly string[];
}

const CLUSTER_SCOPE: AccessScope = { type: 'cluster', namespaces: [] };

export class EksState {
  readonly #clusters = new Map<string, Cluster>();
  readonly #now: () => number;
  #updateDelayMs: number;
  #validatePrincipal: PrincipalValidator | undefined;
  readonly #policyNames: readonly string[];

  constructor(options: EksStateOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#updateDelayMs = options.updateDelayMs ?? 0;
    this.#validatePrincipal = options.validatePrincipal;
    this.#policyNames = options.accessPolicyNames ?? CORE_ACCESS_POLICIES;
  }

  setUpdateDelay(ms: number): void {
    this.#updateDelayMs = ms;
  }

  setPrincipalValidator(validate: PrincipalValidator | undefined): void {
    this.#validatePrincipal = validate;
  }

  addCluster(input: AddClusterInput): Cluster {
    const region = input.region ?? 'us-east-1';
    const accountId = input.accountId ?? '111122223333';
    const mode = input.authenticationMode === null ? undefined : (input.authenticationMode ?? 'API_AND_CONFIG_MAP');
    const bootstrap = input.bootstrapClusterCreatorAdminPermissions ?? true;
    const partition = regionPartition(region);
    const cluster: Cluster = {
      name: input.name,
      arn: `arn:${partition}:eks:${region}:${accountId}:cluster/${input.name}`,
      region,
      accountId,
      createdAt: toMillis(input.createdAt) ?? this.#now(),
      version: input.version ?? '1.31',
      platformVersion: input.platformVersion ?? 'eks.1',
      endpoint:
        input.endpoint ?? `https://${randomUUID().replaceAll('-', '').toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
      roleArn: input.roleArn ?? `arn:aws:iam::${accountId}:role/eks-cluster-role`,
      status: 'ACTIVE',
      certificateAuthorityData: input.certificateAuthorityData ?? Buffer.from('sandbox-ca\n').toString('base64'),
      authenticationMode: mode,
      bootstrapClusterCreatorAdminPermissions: bootstrap,
      tags: { ...input.tags },
      entries: new Map(),
      updates: new Map(),
    };
    this.#clusters.set(cluster.name, cluster);
    if (input.creatorPrincipalArn && bootstrap && mode !== undefined && mode !== 'CONFIG_MAP') {
      this.seedEntry(cluster.name, {
        principalArn: input.creatorPrincipalArn,
        createdAt: cluster.createdAt,
        policies: [{ policyArn: accessPolicyArn('AmazonEKSClusterAdminPolicy', partition) }],
      });
    }
    return cluster;
  }

  /** Inserts an entry without the service's checks (for pre-existing or non-STANDARD entries). */
  seedEntry(clusterName: string, input: SeedEntryInput): AccessEntry {
    const cluster = this.describeCluster(clusterName);
    const at = toMillis(input.createdAt) ?? this.#now();
    const entry = this.#newEntry(cluster, { ...input, clientRequestToken: undefined }, at);
    for (const { policyArn, accessScope = CLUSTER_SCOPE } of input.policies ?? []) {
      entry.policies.set(policyArn, { policyArn, accessScope, associatedAt: at, modifiedAt: at });
    }
    cluster.entries.set(entry.principalArn, entry);
    return entry;
  }

  describeCluster(name: string): Cluster {
    this.#settle();
    const cluster = this.#clusters.get(name);
    if (!cluster) throw new EksError('ResourceNotFoundException', `No cluster found for name: ${name}.`);
    return cluster;
  }

  /** Test accessor: no errors, no settling side effects beyond applying finished updates. */
  findEntry(clusterName: string, principalArn: string): AccessEntry | undefined {
    this.#settle();
    return this.#clusters.get(clusterName)?.entries.get(principalArn);
  }

  createEntry(clusterName: string, input: CreateEntryInput): AccessEntry {
    const cluster = this.#entryCluster(clusterName);
    const type = input.type ?? 'STANDARD';
    const principal = checkPrincipal(input.principalArn, this.#validatePrincipal);
    checkType(type, principal, cluster.accountId);
    checkStandardOnlyFields(type, input);
    if (input.username !== undefined) checkUsername(input.username);
    checkGroups(input.kubernetesGroups ?? []);
    const existing = cluster.entries.get(input.principalArn);
    if (existing) {
      const isRetry =
        input.clientRequestToken !== undefined &&
        existing.created.token === input.clientRequestToken &&
        existing.created.fingerprint === fingerprint(input);
      if (isRetry) return existing;
      throw new EksError('ResourceInUseException', EKS_MESSAGES.entryInUse);
    }
    if (cluster.entries.size >= EKS_ACCESS_ENTRIES_PER_CLUSTER_MAX) {
      throw new EksError('ResourceLimitExceededException', 'The number of access entries exceeds the limit.'); // fake's wording
    }
    const entry = this.#newEntry(cluster, input, this.#now());
    cluster.entries.set(entry.principalArn, entry);
    return entry;
  }

  describeEntry(clusterName: string, principalArn: string): AccessEntry {
    const entry = this.#entryCluster(clusterName).entries.get(principalArn);
    if (!entry) throw new EksError('ResourceNotFoundException', EKS_MESSAGES.entryNotFound);
    return entry;
  }

  updateEntry(clusterName: string, principalArn: string, input: { kubernetesGroups?: string[]; username?: string }) {
    const entry = this.describeEntry(clusterName, principalArn);
    checkStandardOnlyFields(entry.type, input);
    if (input.username !== undefined) checkUsername(input.username);
    if (input.kubernetesGroups !== undefined) checkGroups(input.kubernetesGroups);
    if (input.kubernetesGroups !== undefined) entry.kubernetesGroups = [...input.kubernetesGroups];
    if (input.username !== undefined) entry.username = input.username;
    entry.modifiedAt = this.#now();
    return entry;
  }

  /** Deleting an entry also removes its policy associations (User Guide, deleting-access-entries). */
  deleteEntry(clusterName: string, principalArn: string): void {
    this.describeEntry(clusterName, principalArn);
    this.#entryCluster(clusterName).entries.delete(principalArn);
  }

  listEntries(clusterName: string, input: ListEntriesInput): Page<string> {
    const entries = [...this.#entryCluster(clusterName).entries.values()];
    const filter = input.associatedPolicyArn;
    const matching = filter === undefined ? entries : entries.filter((entry) => entry.policies.has(filter));
    const principals = matching.map((entry) => entry.principalArn);
    return paginate(principals, input.maxResults, input.nextToken);
  }

  /** An upsert: associating the same policy again replaces its scope and keeps `associatedAt`. */
  associatePolicy(clusterName: string, principalArn: string, policyArn: string, scope: AccessScope): AssociatedPolicy {
    const entry = this.describeEntry(clusterName, principalArn);
    if (entry.type !== 'STANDARD') throw invalidParameter(EKS_MESSAGES.standardOnly);
    // Policies live in the cluster's partition: arn:aws-cn:… in China; an arn:aws:… policy does not exist there.
    const partition = regionPartition(this.describeCluster(clusterName).region);
    if (!this.#policyNames.some((name) => accessPolicyArn(name, partition) === policyArn)) {
      throw invalidParameter(`The policyArn ${policyArn} is not a valid access policy.`); // fake's wording
    }
    checkScope(scope);
    const now = this.#now();
    const previous = entry.policies.get(policyArn);
    const association = { policyArn, accessScope: scope, associatedAt: previous?.associatedAt ?? now, modifiedAt: now };
    entry.policies.set(policyArn, association);
    return association;
  }

  disassociatePolicy(clusterName: string, principalArn: string, policyArn: string): void {
    const entry = this.describeEntry(clusterName, principalArn);
    if (!entry.policies.delete(policyArn)) {
      throw new EksError(
        'ResourceNotFoundException',
        `The policy ${policyArn} is not associated with ${principalArn}.`,
      ); // fake's wording
    }
  }

  listAssociatedPolicies(clusterName: string, principalArn: string, maxResults?: number, nextToken?: string) {
    const entry = this.describeEntry(clusterName, principalArn);
    return paginate([...entry.policies.values()], maxResults, nextToken);
  }

  listAccessPolicies(maxResults?: number, nextToken?: string): Page<{ name: string; arn: string }> {
    const policies = this.#policyNames.map((name) => ({ name, arn: accessPolicyArn(name) }));
    return paginate(policies, maxResults, nextToken);
  }

  /** One step at a time, forwards only: CONFIG_MAP → API_AND_CONFIG_MAP → API (domain reference §4). */
  updateAuthenticationMode(clusterName: string, target: AuthenticationMode): ClusterUpdate {
    const cluster = this.describeCluster(clusterName);
    if (cluster.status === 'UPDATING') {
      throw new EksError('ResourceInUseException', 'Cluster has an update in progress.'); // fake's wording
    }
    const current = cluster.authenticationMode ?? 'CONFIG_MAP';
    if (AUTHENTICATION_MODES.indexOf(target) !== AUTHENTICATION_MODES.indexOf(current) + 1) {
      throw invalidParameter(`Unsupported authentication mode update from ${current} to ${target}`);
    }
    const now = this.#now();
    const update: ClusterUpdate = {
      id: randomUUID(),
      status: 'InProgress',
      type: 'AccessConfigUpdate',
      params: [{ type: 'AuthenticationMode', value: target }],
      createdAt: now,
      completesAt: now + this.#updateDelayMs,
      targetMode: target,
    };
    cluster.updates.set(update.id, update);
    cluster.status = 'UPDATING';
    return update;
  }

  describeUpdate(clusterName: string, updateId: string): ClusterUpdate {
    const update = this.describeCluster(clusterName).updates.get(updateId);
    if (!update) throw new EksError('ResourceNotFoundException', `No update found for ID: ${updateId}.`); // fake's wording
    return update;
  }

  /** Applies every update whose delay has passed; called lazily, so the fake needs no timers. */
  #settle(): void {
    const now = this.#now();
    for (const cluster of this.#clusters.values()) {
      for (const update of cluster.updates.values()) {
        if (update.status !== 'InProgress' || update.completesAt > now) continue;
        update.status = 'Successful';
        cluster.authenticationMode = update.targetMode;
        cluster.status = 'ACTIVE';
      }
    }
  }

  #entryCluster(name: string): Cluster {
    const cluster = this.describeCluster(name);
    const mode = cluster.authenticationMode;
    if (mode === undefined || mode === 'CONFIG_MAP') {
      throw new EksError('InvalidRequestException', EKS_MESSAGES.configMapOnly);
    }
    return cluster;
  }

  #newEntry(cluster: Cluster, input: CreateEntryInput, at: number): AccessEntry {
    const principal = parseIamPrincipalArn(input.principalArn);
    if (!principal) throw invalidParameter(EKS_MESSAGES.principalFormat);
    const type = input.type ?? 'STANDARD';
    const entryPath = `${principal.kind}/${principal.account}/${principal.name}/${randomUUID()}`;
    return {
      clusterName: cluster.name,
      principalArn: input.principalArn,
      kubernetesGroups: [...(input.kubernetesGroups ?? [])],
      accessEntryArn: `arn:${regionPartition(cluster.region)}:eks:${cluster.region}:${cluster.accountId}:access-entry/${cluster.name}/${entryPath}`,
      createdAt: at,
      modifiedAt: at,
      tags: { ...input.tags },
      username: input.username ?? defaultUsername(type, principal),
      type,
      policies: new Map(),
      created: { token: input.clientRequestToken, fingerprint: fingerprint(input) },
    };
  }
}

/** The parameters that must match for a repeated CreateAccessEntry with the same token to count as a retry. */
function fingerprint(input: CreateEntryInput): string {
  const tags = Object.entries(input.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    input.principalArn,
    input.kubernetesGroups ?? [],
    tags,
    input.username ?? null,
    input.type ?? 'STANDARD',
  ]);
}

function toMillis(value: Date | number | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}
