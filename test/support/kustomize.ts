/**
 * A dry `kustomize build` for the tests: CI has no kustomize binary, and no npm package implements kustomize.
 * It handles exactly the fields deploy/kubernetes uses — resources (files and folders), namespace,
 * configMapGenerator from files (with a content-hash suffix and the references to it rewritten), patches (strategic
 * merge by kind and name; lists of objects merge by `name`, as containers, env, ports, volumes do) and images — and
 * throws on any other field, so a manifest change that this renderer would silently ignore fails the tests instead.
 * The hash suffix is not byte-identical to kustomize's; nothing depends on its value.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML; the tests validate each object against its schema.
  [key: string]: any;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  configMapGenerator?: { name: string; namespace?: string; files: string[] }[];
  patches?: { path: string }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const KNOWN = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'configMapGenerator', 'patches', 'images']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

export function renderKustomization(dir: string): K8sObject[] {
  const k = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length) throw new Error(`${dir}/kustomization.yaml: the test renderer does not handle ${unknown}`);

  let objects = (k.resources ?? []).flatMap((entry) => loadResource(resolve(dir, entry)));
  const renamed = new Map<string, string>();
  for (const gen of k.configMapGenerator ?? []) {
    const configMap = generateConfigMap(dir, gen);
    renamed.set(gen.name, configMap.metadata.name);
    objects.push(configMap);
  }
  for (const patch of k.patches ?? []) {
    for (const doc of parseAllDocuments(readFileSync(resolve(dir, patch.path), 'utf8'))) {
      const p = doc.toJS() as K8sObject;
      const target = objects.find((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (!target) throw new Error(`${patch.path}: no ${p.kind}/${p.metadata.name} to patch`);
      objects = objects.map((o) => (o === target ? (strategicMerge(o, p) as K8sObject) : o));
    }
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const o of objects) {
    rewriteConfigMapRefs(o, renamed);
    setImages(o, k.images ?? []);
  }
  return objects;
}

function loadResource(path: string): K8sObject[] {
  if (statSync(path).isDirectory()) return renderKustomization(path);
  return parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => doc.toJS() as K8sObject);
}

function generateConfigMap(dir: string, gen: { name: string; namespace?: string; files: string[] }): K8sObject {
  const data: Record<string, string> = {};
  for (const file of gen.files) {
    // `key=path` names the key; a bare path uses the file name.
    const [key, path] = file.includes('=') ? (file.split('=', 2) as [string, string]) : [basename(file), file];
    data[key] = readFileSync(resolve(dir, path), 'utf8');
  }
  const hash = createHash('sha256')
    .update(JSON.stringify({ kind: 'ConfigMap', name: gen.name, data }))
    .digest('hex');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${gen.name}-${hash.slice(0, 10)}`, ...(gen.namespace ? { namespace: gen.namespace } : {}) },
    data,
  };
}

/** Strategic merge as kustomize applies it to the fields used here: maps merge, lists of named objects merge by name. */
function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch)) {
    if (!patch.every(isNamed) || !base.every(isNamed)) return patch;
    const merged = [...base];
    for (const item of patch) {
      const at = merged.findIndex((b) => b.name === item.name);
      if (at === -1) merged.push(item);
      else merged[at] = strategicMerge(merged[at], item) as { name: string };
    }
    return merged;
  }
  if (isPlainObject(base) && isPlainObject(patch)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch))
      merged[key] = key in base ? strategicMerge(base[key], value) : value;
    return merged;
  }
  return patch;
}

function rewriteConfigMapRefs(o: K8sObject, renamed: Map<string, string>): void {
  for (const volume of podSpec(o)?.volumes ?? []) {
    const name = volume.configMap?.name;
    if (name && renamed.has(name)) volume.configMap.name = renamed.get(name);
  }
}

function setImages(o: K8sObject, images: Kustomization['images'] & {}): void {
  for (const container of podSpec(o)?.containers ?? []) {
    const [name, tag] = splitImage(container.image);
    const entry = images.find((i) => i.name === name);
    if (entry) container.image = `${entry.newName ?? name}${(entry.newTag ?? tag) ? `:${entry.newTag ?? tag}` : ''}`;
  }
}

function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port (host:5000/name), not a tag.
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, already checked by kind.
function podSpec(o: K8sObject): any {
  return o.kind === 'Deployment' ? o['spec']?.template?.spec : undefined;
}

function isNamed(v: unknown): v is { name: string } {
  return isPlainObject(v) && typeof v['name'] === 'string';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
