/**
 * Amazon EKS fake speaking restJson1 (API 2017-11-01) as `@aws-sdk/client-eks` does: JSON bodies, labels as single
 * percent-encoded path segments, timestamps as epoch seconds, errors as status + `x-amzn-ErrorType` + `{"message"}`.
 * Point a real `EKSClient` at it with `AWS_ENDPOINT_URL_EKS=<fake.url>`.
 */
import { randomUUID } from 'node:crypto';
import {
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type FakeServerOptions,
  type InjectedFailure,
  json,
} from '../fake-server.ts';
import {
  type AccessEntry,
  type AssociatedPolicy,
  type Cluster,
  EKS_ERROR_STATUS,
  EKS_MESSAGES,
  EksError,
} from './eks-model.ts';
import type { PrincipalValidator } from './eks-rules.ts';
import { type AddClusterInput, EksState, type EksStateOptions, type SeedEntryInput } from './eks-state.ts';
import {
  associationJson,
  authenticationModeOf,
  body,
  clusterJson,
  codeForStatus,
  entryJson,
  errorResponse,
  maxResults,
  optionalString,
  requiredString,
  scopeOf,
  stringList,
  stringMap,
  updateJson,
} from './eks-wire.ts';

export type { AddClusterInput, SeedEntryInput } from './eks-state.ts';

/** The access-entry changes CloudTrail records and the diagnosis looks up (who deleted or changed an entry). */
export type EksChangeOperation = 'DeleteAccessEntry' | 'DisassociateAccessPolicy' | 'UpdateAccessEntry';

/** One successful change call, as the service would hand it to CloudTrail. */
export interface EksChangeCall {
  operation: EksChangeOperation;
  clusterName: string;
  region: string;
  accountId: string;
  /** From the SigV4 `Credential=` of the request: who made the call. */
  accessKeyId: string | undefined;
  /** The request's members, named as in the EKS model (`clusterName`, `principalArn`, `policyArn`, …). */
  requestParameters: Record<string, unknown>;
  at: number;
}

export interface EksFakeOptions extends FakeServerOptions, EksStateOptions {}

/** A snapshot of an entry for assertions; times are epoch milliseconds. */
export interface AccessEntryView extends Omit<AccessEntry, 'policies' | 'created'> {
  policies: AssociatedPolicy[];
}

export class EksFake extends FakeServer {
  readonly #state: EksState;
  readonly #changeListeners: ((call: EksChangeCall) => void)[] = [];
  readonly #now: () => number;

  constructor(options: EksFakeOptions = {}) {
    super(options);
    this.#now = options.now ?? Date.now;
    this.#state = new EksState(options);
    this.#registerRoutes();
  }

  static override async start(options: EksFakeOptions = {}): Promise<EksFake> {
    return await new EksFake(options).listen();
  }

  addCluster(input: AddClusterInput): Cluster {
    return this.#state.addCluster(input);
  }

  /** Adds an entry without the service's checks: a pre-existing grant, a node role entry, the creator's entry. */
  seedAccessEntry(clusterName: string, input: SeedEntryInput): AccessEntryView {
    return view(this.#state.seedEntry(clusterName, input));
  }

  cluster(name: string): Cluster | undefined {
    try {
      return this.#state.describeCluster(name);
    } catch {
      return undefined;
    }
  }

  entry(clusterName: string, principalArn: string): AccessEntryView | undefined {
    const entry = this.#state.findEntry(clusterName, principalArn);
    return entry ? view(entry) : undefined;
  }

  /** Every access entry of a cluster in creation order, for showing state (empty for an unknown cluster). */
  entries(clusterName: string): AccessEntryView[] {
    return [...(this.cluster(clusterName)?.entries.values() ?? [])].map(view);
  }

  /** Associated policies of an entry (empty when the entry does not exist). */
  policies(clusterName: string, principalArn: string): AssociatedPolicy[] {
    return this.entry(clusterName, principalArn)?.policies ?? [];
  }

  /** Called after each successful DeleteAccessEntry, DisassociateAccessPolicy or UpdateAccessEntry. */
  onChange(listener: (call: EksChangeCall) => void): void {
    this.#changeListeners.push(listener);
  }

  #changed(request: FakeRequest, operation: EksChangeOperation, parameters: Record<string, unknown>): void {
    const cluster = this.#state.describeCluster(name(request));
    const call: EksChangeCall = {
      operation,
      clusterName: cluster.name,
      region: cluster.region,
      accountId: cluster.accountId,
      accessKeyId: /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? '')?.[1],
      requestParameters: { clusterName: cluster.name, principalArn: principal(request), ...parameters },
      at: this.#now(),
    };
    for (const listener of this.#changeListeners) listener(call);
  }

  setUpdateDelay(ms: number): void {
    this.#state.setUpdateDelay(ms);
  }

  /** E.g. `iam.principalValidator()` to refuse the path-less ARN of a role that has a path, as EKS does. */
  setPrincipalValidator(validate: PrincipalValidator | undefined): void {
    this.#state.setPrincipalValidator(validate);
  }

  protected override renderFailure(failure: InjectedFailure): FakeResponse {
    const code = failure.code ?? codeForStatus(failure.status);
    return errorResponse(failure.status, code, failure.message ?? 'Injected failure', failure.headers);
  }

  #registerRoutes(): void {
    const s = this.#state;
    const entryPath = '/clusters/{name}/access-entries/{principalArn}';
    this.#on('GET', '/clusters/{name}', 'DescribeCluster', (r) => ({
      cluster: clusterJson(s.describeCluster(name(r))),
    }));
    this.#on('POST', '/clusters/{name}/update-config', 'UpdateClusterConfig', (r) => ({
      update: updateJson(s.updateAuthenticationMode(name(r), authenticationModeOf(body(r)))),
    }));
    this.#on('GET', '/clusters/{name}/updates/{updateId}', 'DescribeUpdate', (r) => ({
      update: updateJson(s.describeUpdate(name(r), label(r, 'updateId'))),
    }));
    this.#on('POST', '/clusters/{name}/access-entries', 'CreateAccessEntry', (r) => {
      const b = body(r);
      const input = {
        principalArn: requiredString(b, 'principalArn'),
        kubernetesGroups: stringList(b, 'kubernetesGroups'),
        tags: stringMap(b, 'tags'),
        clientRequestToken: optionalString(b, 'clientRequestToken'),
        username: optionalString(b, 'username'),
        type: optionalString(b, 'type'),
      };
      return { accessEntry: entryJson(s.createEntry(name(r), input)) };
    });
    this.#on('GET', '/clusters/{name}/access-entries', 'ListAccessEntries', (r) => {
      const page = s.listEntries(name(r), {
        associatedPolicyArn: r.query.get('associatedPolicyArn') ?? undefined,
        maxResults: maxResults(r),
        nextToken: r.query.get('nextToken') ?? undefined,
      });
      return { accessEntries: page.items, nextToken: page.nextToken };
    });
    this.#on('GET', entryPath, 'DescribeAccessEntry', (r) => ({
      accessEntry: entryJson(s.describeEntry(name(r), principal(r))),
    }));
    this.#on('POST', entryPath, 'UpdateAccessEntry', (r) => {
      const b = body(r);
      const input = { kubernetesGroups: stringList(b, 'kubernetesGroups'), username: optionalString(b, 'username') };
      const accessEntry = entryJson(s.updateEntry(name(r), principal(r), input));
      this.#changed(r, 'UpdateAccessEntry', {
        ...(input.kubernetesGroups !== undefined ? { kubernetesGroups: input.kubernetesGroups } : {}),
        ...(input.username !== undefined ? { username: input.username } : {}),
      });
      return { accessEntry };
    });
    this.#on('DELETE', entryPath, 'DeleteAccessEntry', (r) => {
      s.deleteEntry(name(r), principal(r));
      this.#changed(r, 'DeleteAccessEntry', {});
      return {};
    });
    this.#on('POST', `${entryPath}/access-policies`, 'AssociateAccessPolicy', (r) => {
      const b = body(r);
      const association = s.associatePolicy(name(r), principal(r), requiredString(b, 'policyArn'), scopeOf(b));
      return { clusterName: name(r), principalArn: principal(r), associatedAccessPolicy: associationJson(association) };
    });
    this.#on('GET', `${entryPath}/access-policies`, 'ListAssociatedAccessPolicies', (r) => {
      const page = s.listAssociatedPolicies(
        name(r),
        principal(r),
        maxResults(r),
        r.query.get('nextToken') ?? undefined,
      );
      return {
        clusterName: name(r),
        principalArn: principal(r),
        associatedAccessPolicies: page.items.map(associationJson),
        nextToken: page.nextToken,
      };
    });
    this.#on('DELETE', `${entryPath}/access-policies/{policyArn}`, 'DisassociateAccessPolicy', (r) => {
      s.disassociatePolicy(name(r), principal(r), label(r, 'policyArn'));
      this.#changed(r, 'DisassociateAccessPolicy', { policyArn: label(r, 'policyArn') });
      return {};
    });
    this.#on('GET', '/access-policies', 'ListAccessPolicies', (r) => {
      const page = s.listAccessPolicies(maxResults(r), r.query.get('nextToken') ?? undefined);
      return { accessPolicies: page.items, nextToken: page.nextToken };
    });
  }

  /** Registers a route whose handler returns the JSON output; EksError becomes the service's error response. */
  #on(method: string, pattern: string, op: string, handle: (request: FakeRequest) => unknown): void {
    const handler: FakeHandler = (request) => {
      try {
        if (request.headers.authorization === undefined) {
          throw new EksError('MissingAuthenticationTokenException', EKS_MESSAGES.missingAuth);
        }
        return json(200, handle(request), { 'x-amzn-requestid': randomUUID() });
      } catch (error) {
        if (!(error instanceof EksError)) throw error;
        return errorResponse(EKS_ERROR_STATUS[error.code], error.code, error.message);
      }
    };
    this.routes.add(method, pattern, op, handler);
  }
}
function view(entry: AccessEntry): AccessEntryView {
  const { policies, created: _created, ...rest } = entry;
  return {
    ...rest,
    kubernetesGroups: [...entry.kubernetesGroups],
    tags: { ...entry.tags },
    policies: [...policies.values()].map((policy) => ({ ...policy, accessScope: { ...policy.accessScope } })),
  };
}

function label(request: FakeRequest, key: string): string {
  const value = request.params[key];
  if (value === undefined) throw new Error(`route has no {${key}} label`);
  return value;
}

const name = (request: FakeRequest): string => label(request, 'name');
const principal = (request: FakeRequest): string => label(request, 'principalArn');
