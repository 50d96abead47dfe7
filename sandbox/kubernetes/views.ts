/** Snapshots of the Kubernetes API fake's objects for assertions, decoupled from its stored form. */
import type { ConfigMapContent } from './core-kinds.ts';
import type { StoredObject } from './object-store.ts';
import { type BindingContent, RBAC_GROUP, type Subject } from './rbac.ts';

export interface ConfigMapView {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  data: Record<string, string>;
}

export interface BindingView extends BindingContent {
  name: string;
  namespace?: string;
  resourceVersion: string;
}

export function withGroup(subjects: Subject[]): Subject[] {
  return subjects.map((subject) =>
    subject.kind === 'ServiceAccount' ? { ...subject } : { ...subject, apiGroup: subject.apiGroup ?? RBAC_GROUP },
  );
}

export function configMapView(stored: StoredObject<ConfigMapContent>): ConfigMapView {
  const { metadata, content } = stored;
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name,
    uid: metadata.uid,
    resourceVersion: metadata.resourceVersion,
    data: { ...(content.data ?? {}) },
  };
}

export function bindingView(stored: StoredObject<BindingContent>): BindingView {
  const { metadata, content } = stored;
  return {
    name: metadata.name,
    ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
    resourceVersion: metadata.resourceVersion,
    roleRef: { ...content.roleRef },
    subjects: content.subjects.map((subject) => ({ ...subject })),
  };
}
