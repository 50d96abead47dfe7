import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile } from '../../support/source-scan.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
}
const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = readRepoFile('Dockerfile');

describe('docker-compose.yml', () => {
  it('runs redis, web and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['redis', 'web', 'worker']);
  });

  it('runs Redis with the append-only file, fsync always and no eviction', () => {
    const command = compose.services['redis']?.command?.join(' ');

    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync always');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(compose.services['redis']?.healthcheck?.test).toContain('ping');
  });

  it.each(['web', 'worker'])(
    '%s is built from the Dockerfile, waits for a healthy Redis and has a health check',
    (name) => {
      const service = compose.services[name];

      expect(service?.build).toBe('.');
      expect(service?.command).toEqual([name]);
      expect(service?.environment?.['REDIS_URL']).toBe('redis://redis:6379');
      expect(service?.depends_on?.['redis']?.condition).toBe('service_healthy');
      expect(service?.healthcheck?.test.join(' ')).toContain('/healthz');
      expect(service?.read_only).toBe(true);
    },
  );
});

describe('Dockerfile', () => {
  it('has a build stage that installs production dependencies only', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM \S+ AS deps$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=deps/);
  });

  it('runs as a non-root user with a health check on /healthz', () => {
    const user = dockerfile.match(/^USER (\S+)$/m)?.[1];

    expect(user).toBeDefined();
    expect(user?.split(':')[0]).not.toMatch(/^(0|root)$/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
  });
});
