import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailFake } from '../../../sandbox/aws/cloudtrail.ts';
import { createClusterEvent } from '../../../sandbox/aws/cloudtrail-events.ts';
import { createCreatorLookup } from '../../../src/adapters/aws/creator-lookup.ts';
import { createSharedAnswers } from '../../../src/adapters/store/shared-answers.ts';
import { testRedis } from '../../support/redis.ts';
import { SANDBOX_CREDENTIALS, setEnv } from '../sandbox/aws-env.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const CREATED_AT = Date.UTC(2026, 10, 20);
const NOW = CREATED_AT + 86_400_000;
const CREATOR = `arn:aws:iam::${ACCOUNT}:role/platform/cluster-builder`;

const { redis, prefix } = testRedis();
let trail: CloudTrailFake;
let restoreEnv: () => void;
const clients: { cloudtrail: CloudTrailClient; eks: EKSClient }[] = [];

/** One worker process's look-up: its own SDK clients and in-process cache, the shared Redis. */
function workerLookup(name: string) {
  const own = {
    cloudtrail: new CloudTrailClient({ region: REGION, credentials: SANDBOX_CREDENTIALS }),
    eks: new EKSClient({ region: REGION, credentials: SANDBOX_CREDENTIALS }),
  };
  clients.push(own);
  return createCreatorLookup(
    () => own,
    () => NOW,
    createSharedAnswers(redis, `${prefix}${name}`, { pollMs: 20 }),
  );
}

beforeAll(async () => {
  trail = await CloudTrailFake.start({ now: () => NOW, rateLimit: null });
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url, AWS_ENDPOINT_URL_EKS: 'http://127.0.0.1:9' });
  for (const clusterName of ['shared-a', 'shared-b']) {
    trail.addEvent(
      createClusterEvent({
        clusterName,
        region: REGION,
        accountId: ACCOUNT,
        eventTime: CREATED_AT,
        userIdentity: { type: 'AssumedRole', roleArn: CREATOR, sessionName: 'builder' },
      }),
    );
  }
});

afterAll(async () => {
  for (const c of clients) {
    c.cloudtrail.destroy();
    c.eks.destroy();
  }
  restoreEnv();
  await trail.close();
  await redis.quit();
});

describe('the cluster creator, shared by every worker through Redis', () => {
  it('costs one CloudTrail search per cluster however many workers ask at once', async () => {
    const workers = [workerLookup('one'), workerLookup('one'), workerLookup('one'), workerLookup('one')];
    const before = trail.lookups;

    const answers = await Promise.all(
      workers.flatMap((worker) =>
        ['shared-a', 'shared-b'].map((name) =>
          worker.creator({ name, accountId: ACCOUNT, region: REGION }, { found: true, createdAt: CREATED_AT }),
        ),
      ),
    );

    expect(answers.map((a) => a.arn)).toEqual(Array(8).fill(CREATOR));
    expect(trail.lookups - before).toBe(2);
    expect(workers.reduce((sum, w) => sum + w.lookups, 0)).toBe(2);
  });

  it('keeps each deployment apart: another key prefix searches again', async () => {
    const before = trail.lookups;
    const other = workerLookup('two');

    const answer = await other.creator(
      { name: 'shared-a', accountId: ACCOUNT, region: REGION },
      { found: true, createdAt: CREATED_AT },
    );

    expect(answer.arn).toBe(CREATOR);
    expect(trail.lookups - before).toBe(1);
  });
});
