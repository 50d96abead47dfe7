import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from '../../../src/config/env.ts';

function problems(role: 'start' | 'web' | 'worker', env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readEnv(role, env);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe('environment', () => {
  it('lists every missing variable at once, with what it is for', () => {
    const found = problems('web', {});

    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^SLACK_BOT_TOKEN is missing: the bot token/);
    expect(found[1]).toMatch(/^SLACK_SIGNING_SECRET is missing: the signing secret/);
    expect(found[2]).toMatch(/^REDIS_URL is missing/);
  });

  it('lets `start` run without REDIS_URL (it starts a private Redis) and the worker without the signing secret', () => {
    expect(problems('start', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toEqual([]);
    expect(problems('worker', { SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'redis://x' })).toEqual([]);
  });

  it('rejects malformed numbers and URLs', () => {
    const found = problems('start', {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      PORT: 'eighty',
      SLACK_API_URL: 'slack.com/api',
    });

    expect(found.join('\n')).toContain('PORT must be an integer');
    expect(found.join('\n')).toContain('SLACK_API_URL must be an http(s) URL');
  });

  it('reads defaults and normalises the Slack API URL', () => {
    const env = readEnv('start', {
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });

    expect(env).toMatchObject({ port: 3000, configPath: './eks-access.yaml', slackApiUrl: 'http://127.0.0.1:9/api/' });
    expect(env.worker.maxStalledCount).toBeGreaterThan(1);
  });

  it('METRICS_PORT is optional; set, it must be a port other than the one it moves /metrics off', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', REDIS_URL: 'redis://x' };

    expect(readEnv('web', base).metricsPort).toBeUndefined();
    expect(readEnv('web', { ...base, METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(problems('web', { ...base, METRICS_PORT: 'nine' }).join('\n')).toContain('METRICS_PORT must be an integer');
    expect(problems('web', { ...base, PORT: '9464', METRICS_PORT: '9464' }).join('\n')).toContain(
      'METRICS_PORT must differ from PORT',
    );
    expect(problems('worker', { ...base, METRICS_PORT: '3001' }).join('\n')).toContain(
      'METRICS_PORT must differ from EKS_ACCESS_WORKER_PORT',
    );
    expect(problems('worker', { ...base, METRICS_PORT: '3000' })).toEqual([]);
  });
});
