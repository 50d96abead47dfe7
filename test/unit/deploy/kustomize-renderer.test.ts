import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderKustomization } from '../../support/kustomize.ts';

// The renderer stands in for `kustomize build` in the manifest tests, so its own behaviour is pinned here.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kustomize-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  template:
    spec:
      containers:
        - name: main
          image: app
          args: [a, b]
          env:
            - { name: A, value: "1" }
            - { name: B, value: "2" }
        - name: side
          image: registry.local:5000/side:1
      volumes:
        - { name: config, configMap: { name: cfg } }
`;

describe('test/support/kustomize.ts', () => {
  it('merges a strategic patch by container and env name, replaces scalar lists, keeps the rest', () => {
    const root = tree({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': DEPLOYMENT,
      'o/kustomization.yaml': 'resources: [../base]\npatches: [{ path: p.yaml }]\n',
      'o/p.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  template:
    spec:
      containers:
        - name: main
          args: [c]
          env:
            - { name: B, value: "3" }
            - { name: C, value: "4" }
`,
    });
    const [d] = renderKustomization(join(root, 'o'));
    const [main, side] = d?.['spec'].template.spec.containers ?? [];

    expect(main.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '3' },
      { name: 'C', value: '4' },
    ]);
    expect(main.args).toEqual(['c']);
    expect(main.image).toBe('app');
    expect(side.image).toBe('registry.local:5000/side:1');
  });

  it('generates the ConfigMap from a file with a content hash, renames its references, sets images and namespace', () => {
    const files = {
      'kustomization.yaml': `namespace: ns
resources: [deployment.yaml]
configMapGenerator: [{ name: cfg, files: [settings.yaml] }]
images:
  - { name: app, newName: reg.example/app, newTag: "2" }
  - { name: registry.local:5000/side, newTag: "9" }
`,
      'deployment.yaml': DEPLOYMENT,
      'settings.yaml': 'a: 1\n',
    };
    const first = renderKustomization(tree(files));
    const second = renderKustomization(tree({ ...files, 'settings.yaml': 'a: 2\n' }));
    const configMap = first.find((o) => o.kind === 'ConfigMap');
    const pod = first.find((o) => o.kind === 'Deployment')?.['spec'].template.spec;

    expect(configMap?.['data']).toEqual({ 'settings.yaml': 'a: 1\n' });
    expect(configMap?.metadata.name).toMatch(/^cfg-[0-9a-f]{10}$/);
    expect(second.find((o) => o.kind === 'ConfigMap')?.metadata.name).not.toBe(configMap?.metadata.name);
    expect(pod.volumes[0].configMap.name).toBe(configMap?.metadata.name);
    expect(pod.containers.map((c: { image: string }) => c.image)).toEqual([
      'reg.example/app:2',
      'registry.local:5000/side:9',
    ]);
    expect(first.map((o) => o.metadata.namespace)).toEqual(['ns', 'ns']);
  });

  it('refuses a kustomization field it does not implement, and a patch with no target', () => {
    expect(() => renderKustomization(tree({ 'kustomization.yaml': 'resources: []\nreplicas: []\n' }))).toThrow(
      /does not handle replicas/,
    );
    expect(() =>
      renderKustomization(
        tree({
          'kustomization.yaml': 'resources: [d.yaml]\npatches: [{ path: p.yaml }]\n',
          'd.yaml': DEPLOYMENT,
          'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: other }\n',
        }),
      ),
    ).toThrow(/no Deployment\/other to patch/);
  });
});
