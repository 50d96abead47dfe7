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
import { REPO, readRepoFile } from '../../support/source-scan.ts';

const DIR = 'deploy/kubernetes';
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

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML; each object is validated against its schema first.
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  [key: string]: any;
}

const files = readdirSync(resolve(REPO, DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects: { file: string; object: K8sObject }[] = files.flatMap((file) =>
  parseAllDocuments(readRepoFile(`${DIR}/${file}`)).map((doc) => ({ file, object: doc.toJS() as K8sObject })),
);
const byKind = (kind: string) => objects.map((o) => o.object).filter((o) => o.kind === kind);
const deployment = (component: string) =>
  byKind('Deployment').find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === component);

describe('deploy/kubernetes', () => {
  it.each(objects.map((o) => [`${o.file}: ${o.object.kind}/${o.object.metadata.name}`, o.object] as const))(
    '%s validates against the Kubernetes schema',
    (_, object) => {
      const Model = MODELS[object.kind];
      expect(Model, `add ${object.kind} to MODELS`).toBeDefined();
      expect(() => new (Model as new (data: K8sObject) => Validatable)(object).validate()).not.toThrow();
    },
  );

  it('kustomization lists every file except the RBAC for managed clusters', () => {
    const kustomization = parseYaml(readRepoFile(`${DIR}/kustomization.yaml`)) as { resources: string[] };

    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'rbac-aws-auth.yaml').sort());
  });

  it.each([
    ['web', 2],
    ['worker', 1],
  ] as const)('the %s Deployment runs at least %i replicas, hardened, with both probes', (component, min) => {
    const d = deployment(component);
    const pod = d?.spec.template.spec;
    const container = pod?.containers[0];

    expect(d?.spec.replicas).toBeGreaterThanOrEqual(min);
    expect(container.args).toEqual([component]);
    expect(pod.serviceAccountName).toBe('eks-access');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
  });

  it.each(['web', 'worker'])('the %s pods take their secrets from a Secret and the config from the ConfigMap', (c) => {
    const pod = deployment(c)?.spec.template.spec;
    const env = pod.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    const configMap = byKind('ConfigMap')[0];

    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'REDIS_URL']) {
      expect(env.find((e) => e.name === name)?.valueFrom).toMatchObject({ secretKeyRef: { key: name } });
    }
    expect(pod.volumes.find((v: { name: string }) => v.name === 'config').configMap.name).toBe(
      configMap?.metadata.name,
    );
  });

  it('the ConfigMap holds an eks-access.yaml the bot accepts', () => {
    const data = byKind('ConfigMap')[0]?.['data'] as Record<string, string>;

    expect(configSchema.safeParse(parseYaml(data['eks-access.yaml'] ?? '')).success).toBe(true);
  });

  it('the Service selects the web pods and targets their http port', () => {
    const service = byKind('Service')[0];
    const web = deployment('web');

    expect(service?.spec.selector).toEqual(web?.spec.selector.matchLabels);
    expect(service?.spec.ports[0].targetPort).toBe(web?.spec.template.spec.containers[0].ports[0].name);
  });

  it.each(['web', 'worker'])(
    'the %s pods serve /metrics on METRICS_PORT only, and Prometheus scrapes that port',
    (c) => {
      const template = deployment(c)?.spec.template;
      const container = template.spec.containers[0];
      const ports = container.ports as { name: string; containerPort: number }[];
      const env = container.env as { name: string; value?: string }[];
      const metrics = ports.find((p) => p.name === 'metrics');
      const http = ports.find((p) => p.name === 'http');

      expect(metrics?.containerPort).toBe(Number(env.find((e) => e.name === 'METRICS_PORT')?.value));
      expect(metrics?.containerPort).not.toBe(http?.containerPort);
      expect(template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(metrics?.containerPort),
        'prometheus.io/path': '/metrics',
      });
    },
  );

  it('the Service exposes only the Slack port, not the metrics port', () => {
    const service = byKind('Service')[0];
    const exposed = (service?.spec.ports ?? []) as { targetPort: string }[];

    expect(exposed.map((p) => p.targetPort)).toEqual(['http']);
  });

  it('the ServiceAccount is prepared for IRSA (role annotation) or Pod Identity (documented)', () => {
    const account = byKind('ServiceAccount')[0];

    expect(account?.metadata.annotations?.['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::[A-Z_0-9]+:role\//);
    expect(readRepoFile(`${DIR}/serviceaccount.yaml`)).toMatch(/create-pod-identity-association/);
  });

  it.each(['web', 'worker'])('a PodDisruptionBudget keeps a %s pod running', (component) => {
    const pdb = byKind('PodDisruptionBudget').find(
      (p) => p.spec.selector.matchLabels['app.kubernetes.io/component'] === component,
    );

    expect(pdb?.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb?.spec.selector.matchLabels).toEqual(deployment(component)?.spec.selector.matchLabels);
  });

  it('the aws-auth RBAC allows exactly what the Kubernetes adapters do, and never escalates', () => {
    const role = byKind('Role')[0];
    const clusterRole = byKind('ClusterRole')[0];
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
