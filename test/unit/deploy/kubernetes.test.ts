import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { configSchema } from '../../../src/config/schema.ts';
import { type K8sObject, renderKustomization } from '../../support/kustomize.ts';
import { REPO, readRepoFile } from '../../support/source-scan.ts';

const DIR = 'deploy/kubernetes';
const OVERLAYS = ['http', 'socket-mode'] as const;
type Overlay = (typeof OVERLAYS)[number];
type Validatable = { validate(): void };
const MODELS: Record<string, new (data: never) => Validatable> = {
  Deployment,
  PodDisruptionBudget,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  ConfigMap,
  Namespace,
  Service,
  ServiceAccount,
};
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string; optional?: boolean } } };

// Each overlay rendered as `kubectl apply -k` would send it (see test/support/kustomize.ts).
const rendered: Record<Overlay, K8sObject[]> = {
  http: renderKustomization(resolve(REPO, DIR, 'overlays/http')),
  'socket-mode': renderKustomization(resolve(REPO, DIR, 'overlays/socket-mode')),
};
const byKind = (overlay: Overlay, kind: string) => rendered[overlay].filter((o) => o.kind === kind);
const deployment = (overlay: Overlay, component: string) =>
  byKind(overlay, 'Deployment').find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === component);
const container = (overlay: Overlay, component: string) =>
  deployment(overlay, component)?.['spec'].template.spec.containers[0];
const env = (overlay: Overlay, component: string) => (container(overlay, component)?.env ?? []) as EnvVar[];
const overlayFile = (overlay: Overlay, file: string) => readRepoFile(`${DIR}/overlays/${overlay}/${file}`);
const rbac = parseAllDocuments(readRepoFile(`${DIR}/rbac-aws-auth.yaml`)).map((doc) => doc.toJS() as K8sObject);
const variants = OVERLAYS.flatMap((overlay) => ['web', 'worker'].map((c) => [overlay, c] as const));

describe('deploy/kubernetes', () => {
  it.each(
    [
      ...OVERLAYS.flatMap((overlay) => rendered[overlay].map((o) => [overlay, o] as const)),
      ...rbac.map((o) => ['rbac-aws-auth.yaml', o] as const),
    ].map(([where, o]) => [`${where}: ${o.kind}/${o.metadata.name}`, o] as const),
  )('%s validates against the Kubernetes schema', (_, object) => {
    const Model = MODELS[object.kind];
    expect(Model, `add ${object.kind} to MODELS`).toBeDefined();
    expect(() => new (Model as new (data: K8sObject) => Validatable)(object).validate()).not.toThrow();
  });

  it('the base kustomization lists every file in base/', () => {
    const kustomization = parseYaml(readRepoFile(`${DIR}/base/kustomization.yaml`)) as { resources: string[] };
    const files = readdirSync(resolve(REPO, DIR, 'base')).filter((f) => f !== 'kustomization.yaml');

    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(OVERLAYS)('every file in overlays/%s is used by its kustomization', (overlay) => {
    const k = parseYaml(overlayFile(overlay, 'kustomization.yaml')) as {
      resources: string[];
      patches: { path: string }[];
      configMapGenerator: { files: string[] }[];
    };
    const used = [
      ...k.resources.filter((r) => !r.startsWith('..')),
      ...k.patches.map((p) => p.path),
      ...k.configMapGenerator.flatMap((g) => g.files),
    ];
    const files = readdirSync(resolve(REPO, DIR, 'overlays', overlay)).filter((f) => f !== 'kustomization.yaml');

    expect(used.sort()).toEqual(files.sort());
  });

  it.each(OVERLAYS)(
    '%s renders every object into the eks-access namespace, the RBAC for managed clusters aside',
    (o) => {
      const namespaced = rendered[o].filter((x) => x.kind !== 'Namespace');

      expect(namespaced.map((x) => x.metadata.namespace)).toEqual(namespaced.map(() => 'eks-access'));
      expect(rendered[o].map((x) => x.kind)).not.toContain('Role');
      expect(rendered[o].map((x) => x.kind)).not.toContain('ClusterRole');
    },
  );

  it.each(
    OVERLAYS.flatMap((overlay) => [
      [overlay, 'web', 2],
      [overlay, 'worker', 1],
    ]) as [Overlay, string, number][],
  )('%s: the %s Deployment runs at least %i replicas, hardened, with both probes', (overlay, component, min) => {
    const d = deployment(overlay, component);
    const pod = d?.['spec'].template.spec;
    const c = container(overlay, component);

    expect(d?.['spec'].replicas).toBeGreaterThanOrEqual(min);
    expect(c.args).toEqual([component]);
    expect(pod.serviceAccountName).toBe('eks-access');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
  });

  it.each(variants)('%s: the %s pods take REDIS_URL and SLACK_BOT_TOKEN from the Secret, both required', (o, c) => {
    for (const name of ['SLACK_BOT_TOKEN', 'REDIS_URL']) {
      const ref = env(o, c).find((e) => e.name === name)?.valueFrom?.secretKeyRef;
      expect(ref).toMatchObject({ name: 'eks-access', key: name });
      expect(ref?.optional).toBeUndefined();
    }
  });

  it.each(OVERLAYS)('%s: the worker references neither the signing secret nor the app token', (overlay) => {
    const names = env(overlay, 'worker').map((e) => e.name);

    expect(names).not.toContain('SLACK_SIGNING_SECRET');
    expect(names).not.toContain('SLACK_APP_TOKEN');
    expect(JSON.stringify(deployment(overlay, 'worker'))).not.toMatch(/SLACK_SIGNING_SECRET|SLACK_APP_TOKEN/);
  });

  it('http: the web pods require the signing secret from the Secret, and no app token', () => {
    const web = env('http', 'web');

    expect(web.find((e) => e.name === 'SLACK_SIGNING_SECRET')?.valueFrom?.secretKeyRef).toEqual({
      name: 'eks-access',
      key: 'SLACK_SIGNING_SECRET',
    });
    expect(web.map((e) => e.name)).not.toContain('SLACK_APP_TOKEN');
  });

  it('socket-mode: the web pods require the app token, and nothing anywhere references the signing secret', () => {
    expect(env('socket-mode', 'web').find((e) => e.name === 'SLACK_APP_TOKEN')?.valueFrom?.secretKeyRef).toEqual({
      name: 'eks-access',
      key: 'SLACK_APP_TOKEN',
    });
    expect(JSON.stringify(rendered['socket-mode'])).not.toContain('SLACK_SIGNING_SECRET');
  });

  it.each(variants)('%s: the %s pods keep the rest of the base env after the patch', (overlay, component) => {
    expect(env(overlay, component).map((e) => e.name)).toEqual(
      expect.arrayContaining(['EKS_ACCESS_CONFIG', 'METRICS_PORT', 'REDIS_URL', 'SLACK_BOT_TOKEN', 'AWS_REGION']),
    );
  });

  it.each(OVERLAYS)('%s: the ConfigMap is the overlay’s eks-access.yaml, mounted by both Deployments', (overlay) => {
    const configMaps = byKind(overlay, 'ConfigMap');
    const text = overlayFile(overlay, 'eks-access.yaml');

    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]?.['data']).toEqual({ 'eks-access.yaml': text });
    for (const c of ['web', 'worker']) {
      const volumes = deployment(overlay, c)?.['spec'].template.spec.volumes as {
        name: string;
        configMap?: { name: string };
      }[];
      expect(volumes.find((v) => v.name === 'config')?.configMap?.name).toBe(configMaps[0]?.metadata.name);
      expect(env(overlay, c).find((e) => e.name === 'EKS_ACCESS_CONFIG')?.value).toBe('/config/eks-access.yaml');
    }
  });

  it.each(OVERLAYS)('%s: the shipped eks-access.yaml is one the bot accepts', (overlay) => {
    expect(configSchema.safeParse(parseYaml(overlayFile(overlay, 'eks-access.yaml'))).success).toBe(true);
  });

  it.each(variants)('%s: the %s pods run the image set in the overlay', (overlay, component) => {
    const k = parseYaml(overlayFile(overlay, 'kustomization.yaml')) as {
      images: { name: string; newName: string; newTag: string }[];
    };
    const image = k.images.find((i) => i.name === 'eks-access');

    expect(image).toBeDefined();
    expect(container(overlay, component).image).toBe(`${image?.newName}:${image?.newTag}`);
    expect(readRepoFile(`${DIR}/base/deployment-${component}.yaml`)).toMatch(/^\s+image: eks-access$/m);
  });

  it('http: the Service selects the web pods and targets their http port only, not the metrics port', () => {
    const service = byKind('http', 'Service')[0];
    const web = deployment('http', 'web');

    expect(service?.['spec'].selector).toEqual(web?.['spec'].selector.matchLabels);
    expect(((service?.['spec'].ports ?? []) as { targetPort: string }[]).map((p) => p.targetPort)).toEqual(['http']);
  });

  it('socket-mode: nothing is exposed (no Service)', () => {
    expect(byKind('socket-mode', 'Service')).toEqual([]);
  });

  it.each(variants)('%s: the %s pods serve /metrics on a named METRICS_PORT, and Prometheus scrapes it', (o, c) => {
    const template = deployment(o, c)?.['spec'].template;
    const ports = container(o, c).ports as { name: string; containerPort: number }[];
    const metrics = ports.find((p) => p.name === 'metrics');
    const http = ports.find((p) => p.name === 'http');

    expect(metrics?.containerPort).toBe(Number(env(o, c).find((e) => e.name === 'METRICS_PORT')?.value));
    expect(metrics?.containerPort).not.toBe(http?.containerPort);
    expect(template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(metrics?.containerPort),
      'prometheus.io/path': '/metrics',
    });
  });

  it.each(OVERLAYS)('%s: the ServiceAccount is prepared for IRSA (role annotation) or Pod Identity', (overlay) => {
    const account = byKind(overlay, 'ServiceAccount')[0];

    expect(account?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::[A-Z_0-9]+:role\//);
    expect(readRepoFile(`${DIR}/base/serviceaccount.yaml`)).toMatch(/create-pod-identity-association/);
  });

  it.each(variants)('%s: a PodDisruptionBudget keeps a %s pod running', (overlay, component) => {
    const pdb = byKind(overlay, 'PodDisruptionBudget').find(
      (p) => p['spec'].selector.matchLabels['app.kubernetes.io/component'] === component,
    );

    expect(pdb?.['spec'].minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb?.['spec'].selector.matchLabels).toEqual(deployment(overlay, component)?.['spec'].selector.matchLabels);
  });

  it.each(OVERLAYS)('docs/deploy-kubernetes.md tells %s users to create exactly the Secret keys it references', (o) => {
    const doc = readRepoFile('docs/deploy-kubernetes.md');
    const heading = o === 'http' ? 'HTTP mode:' : 'Socket Mode:';
    const block = doc.slice(doc.indexOf(heading)).match(/```sh\n([\s\S]*?)```/)?.[1] ?? '';
    const documented = [...block.matchAll(/--from-literal=([A-Z_]+)=/g)].map((m) => m[1]);
    const referenced = new Set(
      [...JSON.stringify(rendered[o]).matchAll(/"secretKeyRef":\{"name":"eks-access","key":"(\w+)"/g)].map((m) => m[1]),
    );

    expect(block).toContain('create secret generic eks-access');
    expect(documented.sort()).toEqual([...referenced].sort());
    expect(doc).toContain(`overlays/${o}`);
  });

  it('the aws-auth RBAC allows exactly what the Kubernetes adapters do, and never escalates', () => {
    const role = rbac.find((o) => o.kind === 'Role');
    const clusterRole = rbac.find((o) => o.kind === 'ClusterRole');
    const rules = [...(role?.['rules'] ?? []), ...(clusterRole?.['rules'] ?? [])] as {
      resources: string[];
      verbs: string[];
      resourceNames?: string[];
    }[];

    expect(rules.flatMap((r) => r.verbs)).not.toContain('*');
    expect(rules.flatMap((r) => r.verbs)).not.toContain('delete');
    expect(rules.find((r) => r.resources.includes('clusterroles'))).toEqual(
      expect.objectContaining({ verbs: ['bind'], resourceNames: ['view', 'edit', 'admin', 'cluster-admin'] }),
    );
    expect(rules.find((r) => r.resources.includes('subjectaccessreviews'))?.verbs).toEqual(['create']);
    expect(role?.metadata.namespace).toBe('kube-system');
  });
});
