/**
 * A Kubernetes API server fake for an EKS cluster: HTTPS with a throw-away CA (`caData` as EKS returns it), bearer
 * tokens checked like aws-iam-authenticator plus STS would (token-verifier.ts), ConfigMaps with real
 * `resourceVersion` semantics, RBAC bindings, Nodes, and the two review APIs diagnosis uses.
 *
 * Every answer is JSON; failures are `Status` objects. A path the fake does not serve is a 404 Status and is recorded
 * in `unexpected`, and so is a query parameter it does not model (`dryRun`, `labelSelector`, …: 500), so a test
 * cannot pass while the product relies on behaviour the fake never had.
 */

import { regionPartition } from '../aws/eks-model.ts';
import {
  type FakeRequest,
  type FakeResponse,
  FakeServer,
  type FakeServerOptions,
  type IncomingRequest,
  type InjectedFailure,
  json,
} from '../fake-server.ts';
import { CONFIGMAP_SPEC, type ConfigMapContent, NODE_SPEC, type NodeContent, nodeContent } from './core-kinds.ts';
import { type KubernetesCredential, type UserInfo, userInfoOf } from './identity.ts';
import { type Body, ObjectStore, Revision } from './object-store.ts';
import {
  authorize,
  type BindingContent,
  bindingSpec,
  builtInClusterRoles,
  type PolicyRule,
  RBAC_GROUP,
  type Subject,
} from './rbac.ts';
import { type AccessReviewBody, selfSubjectReview, subjectAccessRequest } from './reviews.ts';
import {
  badRequest,
  type ForbiddenRequest,
  failureStatus,
  forbidden,
  KubernetesError,
  MODIFIED,
  reasonForCode,
  routeNotFound,
  statusResponse,
  unauthorized,
} from './status.ts';
import { testCertificates } from './test-ca.ts';
import { type TokenRejectionReason, verifyEksToken } from './token-verifier.ts';
import { type BindingView, bindingView, type ConfigMapView, configMapView, withGroup } from './views.ts';

export type { KubernetesCredential } from './identity.ts';
export type { PolicyRule, Subject } from './rbac.ts';
export type { AcceptedToken, TokenCredential, TokenRejectionReason } from './token-verifier.ts';
export type { BindingView, ConfigMapView } from './views.ts';

/** `tls` is always the test CA's server certificate; `dispatch` is passed to the base class. */
export interface KubernetesApiFakeOptions extends Omit<FakeServerOptions, 'tls'> {
  /** The cluster name tokens must be signed for (`x-k8s-aws-id`). */
  clusterName: string;
  /** The cluster's Region; only STS hosts of its partition are accepted. Default `us-east-1`. */
  region?: string;
  /** Access key id → secret and identity. A key not listed here is refused (401). */
  credentials?: Record<string, KubernetesCredential>;
  /**
   * Consulted for keys not in `credentials`: keys issued at run time, e.g. by the STS fake's AssumeRole
   * inside a bot process, which the test cannot list in advance.
   */
  credentialSource?: (accessKeyId: string) => KubernetesCredential | undefined;
  now?: () => number;
  /** Accept a PUT without `metadata.resourceVersion`, as kube-apiserver does for these kinds (default: 409). */
  allowUnconditionalUpdate?: boolean;
}

export interface TokenRejection {
  reason: TokenRejectionReason;
  detail: string;
  /** Epoch milliseconds (the fake's clock). */
  at: number;
  op: string;
}

export interface AuthenticatedCall {
  op: string;
  arn: string;
  accessKeyId: string;
  username: string;
  at: number;
}

const NO_EFFECT_QUERY_PARAMS = new Set(['pretty', 'fieldManager', 'fieldValidation']);

export class KubernetesApiFake extends FakeServer {
  readonly clusterName: string;
  readonly region: string;
  /** base64 PEM of the CA that signed the server certificate (kubeconfig `certificate-authority-data`). */
  readonly caData: string;
  readonly rejections: TokenRejection[] = [];
  readonly authenticated: AuthenticatedCall[] = [];
  readonly #credentials: Map<string, KubernetesCredential>;
  readonly #credentialSource: ((accessKeyId: string) => KubernetesCredential | undefined) | undefined;
  readonly #forbidden = new Set<string>();
  #conflictEvery = 0;
  #updatesSeen = 0;
  readonly #now: () => number;
  readonly #configMaps: ObjectStore<ConfigMapContent>;
  readonly #nodes: ObjectStore<NodeContent>;
  readonly #clusterRoleBindings: ObjectStore<BindingContent>;
  readonly #roleBindings: ObjectStore<BindingContent>;
  readonly #clusterRoles = builtInClusterRoles();
  readonly #roles = new Map<string, PolicyRule[]>();

  constructor(options: KubernetesApiFakeOptions, tls: { caData: string; certPem: string; keyPem: string }) {
    super({ ...options, tls: { key: tls.keyPem, cert: tls.certPem } });
    this.clusterName = options.clusterName;
    this.region = options.region ?? 'us-east-1';
    this.caData = tls.caData;
    this.#credentials = new Map(Object.entries(options.credentials ?? {}));
    this.#credentialSource = options.credentialSource;
    this.#now = options.now ?? Date.now;
    const storeOptions = {
      revision: new Revision(),
      now: this.#now,
      allowUnconditionalUpdate: options.allowUnconditionalUpdate ?? false,
    };
    this.#configMaps = new ObjectStore(CONFIGMAP_SPEC, storeOptions);
    this.#nodes = new ObjectStore(NODE_SPEC, storeOptions);
    this.#clusterRoleBindings = new ObjectStore(bindingSpec('ClusterRoleBinding'), storeOptions);
    this.#roleBindings = new ObjectStore(bindingSpec('RoleBinding'), storeOptions);
    // Every EKS cluster has this binding; `system:masters` is also allowed everything before RBAC is consulted.
    this.addClusterRoleBinding('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]);
    this.#registerRoutes();
  }

  static override async start(options: KubernetesApiFakeOptions): Promise<KubernetesApiFake> {
    return await new KubernetesApiFake(options, await testCertificates()).listen();
  }

  addCredentials(accessKeyId: string, credential: KubernetesCredential): void {
    this.#credentials.set(accessKeyId, credential);
  }

  /** Every authenticated request by `arn` gets 403 Forbidden until `unforbid`. */
  forbid(arn: string): void {
    this.#forbidden.add(arn);
  }

  unforbid(arn: string): void {
    this.#forbidden.delete(arn);
  }

  /**
   * Every `n`-th authenticated update (PUT) is answered 409 Conflict without touching anything, as when another
   * writer got there first; 0 turns it off. Models a busy cluster for the fault suite.
   */
  conflictEveryNthUpdate(n: number): void {
    this.#conflictEvery = n;
    this.#updatesSeen = 0;
  }

  /** Creates or overwrites a ConfigMap as a person with kubectl would (no preconditions; bumps resourceVersion). */
  setConfigMap(namespace: string, name: string, data: Record<string, string>): ConfigMapView {
    return configMapView(this.#configMaps.seed(namespace, name, { data: { ...data } }));
  }

  /** Deletes a ConfigMap behind the product's back (not counted in `writes`). */
  removeConfigMap(namespace: string, name: string): void {
    if (this.#configMaps.find(namespace, name)) this.#configMaps.delete(namespace, name);
  }

  configMap(namespace: string, name: string): ConfigMapView | undefined {
    const stored = this.#configMaps.find(namespace, name);
    return stored && configMapView(stored);
  }

  /** API writes (create, changing update, delete) that reached this ConfigMap. */
  writes(namespace: string, name: string): number {
    return this.#configMaps.writes(namespace, name);
  }

  addClusterRoleBinding(name: string, clusterRoleName: string, subjects: Subject[]): BindingView {
    const roleRef = { apiGroup: RBAC_GROUP, kind: 'ClusterRole' as const, name: clusterRoleName };
    return bindingView(this.#clusterRoleBindings.seed(undefined, name, { roleRef, subjects: withGroup(subjects) }));
  }

  /** `role` is a ClusterRole name, or `{ kind: 'Role', name }` for a Role in the same namespace. */
  addRoleBinding(
    namespace: string,
    name: string,
    role: string | { kind: 'Role' | 'ClusterRole'; name: string },
    subjects: Subject[],
  ): BindingView {
    const { kind, name: roleName } = typeof role === 'string' ? { kind: 'ClusterRole' as const, name: role } : role;
    const content = { roleRef: { apiGroup: RBAC_GROUP, kind, name: roleName }, subjects: withGroup(subjects) };
    return bindingView(this.#roleBindings.seed(namespace, name, content));
  }

  clusterRoleBinding(name: string): BindingView | undefined {
    const stored = this.#clusterRoleBindings.find(undefined, name);
    return stored && bindingView(stored);
  }

  roleBinding(namespace: string, name: string): BindingView | undefined {
    const stored = this.#roleBindings.find(namespace, name);
    return stored && bindingView(stored);
  }

  /** Every ClusterRoleBinding and RoleBinding (all namespaces) now, e.g. to count those naming one user. */
  bindings(): BindingView[] {
    return [...this.#clusterRoleBindings.list(), ...this.#roleBindings.list()].map(bindingView);
  }

  /**
   * What a SubjectAccessReview for `spec` would answer now (the same RBAC decision the endpoint makes), for tests
   * that ask about people the product never asks about.
   */
  review(spec: { user: string; groups?: string[]; verb: string; resource: string; namespace?: string }): boolean {
    const resource = { namespace: spec.namespace ?? '', verb: spec.verb, group: '', resource: spec.resource };
    return this.#authorize({
      user: spec.user,
      groups: spec.groups ?? [],
      resource: { ...resource, subresource: '', name: '' },
    }).allowed;
  }

  #authorize(request: Parameters<typeof authorize>[0]): ReturnType<typeof authorize> {
    return authorize(request, {
      clusterRoleBindings: this.#clusterRoleBindings.list(),
      roleBindings: this.#roleBindings.list(),
      clusterRoles: this.#clusterRoles,
      roles: this.#roles,
    });
  }

  /** Defines (or replaces) a ClusterRole's rules; `view`, `edit`, `admin` and `cluster-admin` exist already. */
  addClusterRole(name: string, rules: PolicyRule[]): void {
    this.#clusterRoles.set(name, rules);
  }

  addRole(namespace: string, name: string, rules: PolicyRule[]): void {
    this.#roles.set(`${namespace}/${name}`, rules);
  }

  addNode(name: string, ready = true): void {
    this.#nodes.seed(undefined, name, nodeContent(ready, this.#now()));
  }

  setNodeReady(name: string, ready: boolean): void {
    this.#nodes.get(undefined, name);
    this.#nodes.seed(undefined, name, nodeContent(ready, this.#now()));
  }

  protected override renderFailure(failure: InjectedFailure): FakeResponse {
    const status = failureStatus(
      failure.status,
      failure.code ?? reasonForCode(failure.status),
      failure.message ?? 'Injected failure',
    );
    return statusResponse(status, failure.headers);
  }

  protected override renderUnrouted(_request: IncomingRequest): FakeResponse {
    return statusResponse(routeNotFound());
  }

  #registerRoutes(): void {
    const namespaced = (prefix: string, plural: string) => `${prefix}/namespaces/{namespace}/${plural}`;
    const rbac = `/apis/${RBAC_GROUP}/v1`;
    this.#crud(this.#configMaps, namespaced('/api/v1', 'configmaps'), 'ConfigMap', [
      'list',
      'create',
      'get',
      'update',
      'delete',
    ]);
    this.#crud(this.#nodes, '/api/v1/nodes', 'Node', ['list', 'get']);
    this.#crud(this.#clusterRoleBindings, `${rbac}/clusterrolebindings`, 'ClusterRoleBinding', [
      'list',
      'create',
      'get',
      'update',
      'delete',
    ]);
    this.#crud(this.#roleBindings, namespaced(rbac, 'rolebindings'), 'RoleBinding', [
      'list',
      'create',
      'get',
      'update',
      'delete',
    ]);
    const listAll = { verb: 'list', resource: 'rolebindings', group: RBAC_GROUP };
    this.#on(
      'GET',
      `${rbac}/rolebindings`,
      'ListRoleBindingForAllNamespaces',
      () => listAll,
      () => json(200, this.#roleBindings.renderList(this.#roleBindings.list())),
    );
    const sar = { verb: 'create', resource: 'subjectaccessreviews', group: 'authorization.k8s.io' };
    this.#on(
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      'CreateSubjectAccessReview',
      () => sar,
      (r) => {
        const review = parseBody(r) as AccessReviewBody;
        const decision = this.#authorize(subjectAccessRequest(review));
        const status = decision.reason === '' ? { allowed: decision.allowed } : decision;
        return json(201, { ...review, metadata: { creationTimestamp: null }, status });
      },
    );
    const ssr = { verb: 'create', resource: 'selfsubjectreviews', group: 'authentication.k8s.io' };
    this.#on(
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      'CreateSelfSubjectReview',
      () => ssr,
      (r, user) => json(201, selfSubjectReview(parseBody(r), user)),
    );
  }

  /** Registers the standard verbs of one kind; ops are named like the client methods (`ReplaceConfigMap`). */
  #crud<C>(store: ObjectStore<C>, collection: string, kind: string, verbs: string[]): void {
    const { resource, group } = store.spec.ref;
    const ns = (r: FakeRequest) => (store.spec.namespaced ? r.params['namespace'] : undefined);
    const access = (verb: string) => (r: FakeRequest) => ({
      verb,
      resource,
      group,
      name: r.params['name'],
      namespace: ns(r),
    });
    const name = (r: FakeRequest) => r.params['name'] ?? '';
    const item = `${collection}/{name}`;
    if (verbs.includes('list')) {
      this.#on('GET', collection, `List${kind}s`, access('list'), (r) =>
        json(200, store.renderList(store.list(ns(r)))),
      );
    }
    if (verbs.includes('create')) {
      this.#on('POST', collection, `Create${kind}`, access('create'), (r) =>
        json(201, store.render(store.create(ns(r), parseBody(r)))),
      );
    }
    if (verbs.includes('get')) {
      this.#on('GET', item, `Read${kind}`, access('get'), (r) => json(200, store.render(store.get(ns(r), name(r)))));
    }
    if (verbs.includes('update')) {
      this.#on('PUT', item, `Replace${kind}`, access('update'), (r) =>
        json(200, store.render(store.replace(ns(r), name(r), parseBody(r)))),
      );
    }
    if (verbs.includes('delete')) {
      this.#on('DELETE', item, `Delete${kind}`, access('delete'), (r) =>
        json(200, store.delete(ns(r), name(r), r.body.trim() === '' ? {} : parseBody(r))),
      );
    }
  }

  #on(
    method: string,
    pattern: string,
    op: string,
    access: (request: FakeRequest) => ForbiddenRequest,
    handle: (request: FakeRequest, user: UserInfo) => FakeResponse,
  ): void {
    this.routes.add(method, pattern, op, (request) => {
      try {
        const user = this.#authenticate(request);
        if (this.#forbidden.has(user.extra['arn']?.[0] ?? '')) throw forbidden(user.username, access(request));
        for (const key of request.query.keys()) {
          if (!NO_EFFECT_QUERY_PARAMS.has(key)) throw new Error(`query parameter ${key} is not modelled by the fake`);
        }
        if (method === 'PUT' && this.#conflictEvery > 0 && ++this.#updatesSeen % this.#conflictEvery === 0) {
          const what = `"${request.params['name'] ?? ''}": ${MODIFIED} (injected)`;
          throw new KubernetesError(409, 'Conflict', `Operation cannot be fulfilled on ${what}`);
        }
        return handle(request, user);
      } catch (error) {
        if (!(error instanceof KubernetesError)) throw error;
        return statusResponse(error.toStatus());
      }
    });
  }

  #credential(accessKeyId: string): KubernetesCredential | undefined {
    return this.#credentials.get(accessKeyId) ?? this.#credentialSource?.(accessKeyId);
  }

  #authenticate(request: FakeRequest): UserInfo {
    const at = this.#now();
    const verdict = verifyEksToken(request.headers.authorization, {
      clusterName: this.clusterName,
      partition: regionPartition(this.region),
      credentials: { get: (key: string) => this.#credential(key) },
      now: at,
    });
    if (!verdict.ok) {
      this.rejections.push({ reason: verdict.reason, detail: verdict.detail, at, op: request.op });
      throw unauthorized();
    }
    const credential = this.#credential(verdict.token.accessKeyId) ?? { ...verdict.token.credential };
    const user = userInfoOf(credential, verdict.token.accessKeyId);
    this.authenticated.push({
      op: request.op,
      arn: credential.arn,
      accessKeyId: verdict.token.accessKeyId,
      username: user.username,
      at,
    });
    return user;
  }
}

function parseBody(request: FakeRequest): Body {
  try {
    const parsed: unknown = JSON.parse(request.body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Body;
  } catch {
    // answered below
  }
  throw badRequest('the request body is not a JSON object'); // fake's wording
}
