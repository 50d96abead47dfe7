/**
 * A kind's objects with kube-apiserver's write semantics: one cluster-wide increasing `resourceVersion` (etcd's
 * revision, shared by every kind), create/replace/delete preconditions, no-op updates that keep the version, and the
 * Status errors the real server answers.
 *
 * Deliberately stricter than kube-apiserver in one place: a PUT without `metadata.resourceVersion` is a 409 unless
 * `allowUnconditionalUpdate` is set. ConfigMaps and RBAC bindings really do accept unconditional updates, but a
 * product that sends one can lose a concurrent writer's change, so the sandbox makes that mistake visible.
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  KubernetesError,
  MODIFIED,
  notFound,
  type ResourceRef,
  type Status,
} from './status.ts';

export type Body = Record<string, unknown>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KindSpec<C> {
  ref: ResourceRef;
  kind: string;
  apiVersion: string;
  namespaced: boolean;
  /** Validates a request body and returns the stored fields besides `metadata`; throws a KubernetesError. */
  content(body: Body, name: string, existing: C | undefined): C;
}

export interface StoredObject<C> {
  metadata: ObjectMeta;
  content: C;
}

/** The cluster-wide revision counter every store bumps. */
export class Revision {
  #value = 0;

  get current(): string {
    return String(this.#value);
  }

  next(): string {
    this.#value += 1;
    return String(this.#value);
  }
}

export interface StoreOptions {
  revision: Revision;
  now: () => number;
  allowUnconditionalUpdate: boolean;
}

export class ObjectStore<C> {
  readonly spec: KindSpec<C>;
  readonly #objects = new Map<string, StoredObject<C>>();
  readonly #writes = new Map<string, number>();
  readonly #options: StoreOptions;

  constructor(spec: KindSpec<C>, options: StoreOptions) {
    this.spec = spec;
    this.#options = options;
  }

  find(namespace: string | undefined, name: string): StoredObject<C> | undefined {
    const stored = this.#objects.get(key(namespace, name));
    return stored && structuredClone(stored);
  }

  get(namespace: string | undefined, name: string): StoredObject<C> {
    return this.find(namespace, name) ?? throwError(notFound(this.spec.ref, name));
  }

  /** Objects in `namespace`, or in every namespace when it is undefined; sorted like etcd keys. */
  list(namespace?: string): StoredObject<C>[] {
    return [...this.#objects.entries()]
      .filter(([, stored]) => namespace === undefined || stored.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, stored]) => structuredClone(stored));
  }

  /** Successful writes through the API that changed the object (seeding does not count). */
  writes(namespace: string | undefined, name: string): number {
    return this.#writes.get(key(namespace, name)) ?? 0;
  }

  create(namespace: string | undefined, body: Body): StoredObject<C> {
    const meta = metadataOf(body);
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    this.#checkNamespace(namespace, meta);
    if (name === '') {
      throw new KubernetesError(
        422,
        'Invalid',
        `${this.spec.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    }
    if (meta['resourceVersion'] !== undefined && meta['resourceVersion'] !== '') {
      // etcd3 store: storage.ErrResourceVersionSetOnCreate, answered as an internal error.
      throw new KubernetesError(
        500,
        'InternalError',
        'Internal error occurred: resourceVersion should not be set on objects to be created',
      );
    }
    if (this.#objects.has(key(namespace, name))) throw alreadyExists(this.spec.ref, name);
    const content = this.spec.content(body, name, undefined);
    const stored = this.#put(namespace, name, meta, content, undefined);
    this.#countWrite(namespace, name);
    return stored;
  }

  replace(namespace: string | undefined, name: string, body: Body): StoredObject<C> {
    const meta = metadataOf(body);
    this.#checkNamespace(namespace, meta);
    if (meta['name'] !== name) {
      throw badRequest(
        `the name of the object (${String(meta['name'] ?? '')}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.#objects.get(key(namespace, name));
    if (!existing) throw notFound(this.spec.ref, name);
    const version = meta['resourceVersion'];
    if (version === undefined || version === '') {
      if (!this.#options.allowUnconditionalUpdate) throw conflict(this.spec.ref, name, MODIFIED);
    } else if (version !== existing.metadata.resourceVersion) {
      throw conflict(this.spec.ref, name, MODIFIED);
    }
    if (typeof meta['uid'] === 'string' && meta['uid'] !== '' && meta['uid'] !== existing.metadata.uid) {
      const why = `Precondition failed: UID in precondition: ${meta['uid']}, UID in object meta: ${existing.metadata.uid}`;
      throw conflict(this.spec.ref, name, why);
    }
    const content = this.spec.content(body, name, structuredClone(existing.content));
    const unchanged =
      JSON.stringify(content) === JSON.stringify(existing.content) &&
      JSON.stringify(labelsAndAnnotations(meta)) === JSON.stringify(labelsAndAnnotations(existing.metadata));
    if (unchanged) return structuredClone(existing); // a no-op update keeps the resourceVersion, as etcd does
    const stored = this.#put(namespace, name, meta, content, existing.metadata);
    this.#countWrite(namespace, name);
    return stored;
  }

  delete(namespace: string | undefined, name: string, options: Body = {}): Status {
    const existing = this.#objects.get(key(namespace, name));
    if (!existing) throw notFound(this.spec.ref, name);
    const preconditions = asObject(options['preconditions']);
    const { resourceVersion, uid } = preconditions;
    if (typeof resourceVersion === 'string' && resourceVersion !== existing.metadata.resourceVersion) {
      const why = `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`;
      throw conflict(this.spec.ref, name, why);
    }
    if (typeof uid === 'string' && uid !== existing.metadata.uid) {
      const why = `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}`;
      throw conflict(this.spec.ref, name, why);
    }
    this.#objects.delete(key(namespace, name));
    this.#options.revision.next();
    this.#countWrite(namespace, name);
    const group = this.spec.ref.group === '' ? {} : { group: this.spec.ref.group };
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, ...group, kind: this.spec.ref.resource, uid: existing.metadata.uid },
      code: 200,
    };
  }

  /** Creates or overwrites without preconditions, as a person with kubectl would; bumps the resourceVersion. */
  seed(namespace: string | undefined, name: string, content: C, labels?: Record<string, string>): StoredObject<C> {
    const existing = this.#objects.get(key(namespace, name));
    return this.#put(namespace, name, labels ? { labels } : {}, structuredClone(content), existing?.metadata);
  }

  /** The object as the API returns it. */
  render(stored: StoredObject<C>, withType = true): Body {
    const type = withType ? { kind: this.spec.kind, apiVersion: this.spec.apiVersion } : {};
    return { ...type, metadata: stored.metadata, ...stored.content };
  }

  renderList(items: StoredObject<C>[]): Body {
    return {
      kind: `${this.spec.kind}List`,
      apiVersion: this.spec.apiVersion,
      metadata: { resourceVersion: this.#options.revision.current },
      items: items.map((item) => this.render(item, false)),
    };
  }

  #put(
    namespace: string | undefined,
    name: string,
    meta: Body,
    content: C,
    existing: ObjectMeta | undefined,
  ): StoredObject<C> {
    const metadata: ObjectMeta = {
      name,
      ...(namespace === undefined ? {} : { namespace }),
      uid: existing?.uid ?? randomUUID(),
      resourceVersion: this.#options.revision.next(),
      creationTimestamp:
        existing?.creationTimestamp ?? new Date(this.#options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...labelsAndAnnotations(meta),
    };
    const stored = { metadata, content };
    this.#objects.set(key(namespace, name), stored);
    return structuredClone(stored);
  }

  #checkNamespace(namespace: string | undefined, meta: Body): void {
    const given = meta['namespace'];
    if (given === undefined || given === '' || !this.spec.namespaced) return;
    if (given !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  #countWrite(namespace: string | undefined, name: string): void {
    const id = key(namespace, name);
    this.#writes.set(id, (this.#writes.get(id) ?? 0) + 1);
  }
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function throwError(error: Error): never {
  throw error;
}

export function asObject(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : {};
}

function metadataOf(body: Body): Body {
  return asObject(body['metadata']);
}

function labelsAndAnnotations(meta: Body | ObjectMeta): Pick<ObjectMeta, 'labels' | 'annotations'> {
  const source = meta as Body;
  const pick = (field: string) => {
    const value = asObject(source[field]);
    const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    return entries.length === 0 ? {} : { [field]: Object.fromEntries(entries) };
  };
  return { ...pick('labels'), ...pick('annotations') };
}
