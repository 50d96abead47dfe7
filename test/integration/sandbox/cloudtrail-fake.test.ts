import {
  CloudTrailClient,
  type CloudTrailClientConfig,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  paginateLookupEvents,
  ThrottlingException,
} from '@aws-sdk/client-cloudtrail';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudTrailFake, LOOKUP_EVENTS_RATE_LIMIT } from '../../../sandbox/aws/cloudtrail.ts';
import { createClusterEvent, otherServiceCreateClusterEvent } from '../../../sandbox/aws/cloudtrail-events.ts';
import { SANDBOX_CREDENTIALS, setEnv } from './aws-env.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DAY = 24 * 60 * 60_000;
const ROLE_WITH_PATH = `arn:aws:iam::${ACCOUNT}:role/platform/cluster-builder`;
const BY_EVENT_NAME = [{ AttributeKey: 'EventName' as const, AttributeValue: 'CreateCluster' }];

let trail: CloudTrailFake;
let restoreEnv: () => void;
const clock = Date.UTC(2025, 5, 1, 12, 0, 0);
/** The rate limiter's clock: frozen unless a test moves it. */
let rateNow = 0;

function client(config: Partial<CloudTrailClientConfig> = {}): CloudTrailClient {
  // No `endpoint` option: the fake is reached only through AWS_ENDPOINT_URL_CLOUDTRAIL.
  return new CloudTrailClient({ region: REGION, credentials: SANDBOX_CREDENTIALS, ...config });
}

function eksCreate(clusterName: string, eventTime: number, invokedBy?: string) {
  return createClusterEvent({
    clusterName,
    region: REGION,
    accountId: ACCOUNT,
    eventTime,
    userIdentity: { type: 'AssumedRole', roleArn: ROLE_WITH_PATH, sessionName: 'alice@example.com' },
    ...(invokedBy ? { invokedBy } : {}),
  });
}

beforeEach(async () => {
  trail = await CloudTrailFake.start({ now: () => clock, rateClock: () => rateNow, rateLimit: null });
  restoreEnv = setEnv({ AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url });
});

afterEach(async () => {
  expect(trail.unexpected).toEqual([]);
  restoreEnv();
  await trail.close();
});

describe('CloudTrail fake through the real CloudTrailClient', () => {
  it('looks up CreateCluster newest first, with CloudTrailEvent as a JSON string the caller filters by source', async () => {
    trail.addEvent(eksCreate('payments', clock - 3 * DAY, 'cloudformation.amazonaws.com'));
    trail.addEvent(
      otherServiceCreateClusterEvent({
        eventSource: 'ecs.amazonaws.com',
        clusterName: 'payments',
        region: REGION,
        accountId: ACCOUNT,
        eventTime: clock - DAY,
        userIdentity: { type: 'IAMUser', userArn: `arn:aws:iam::${ACCOUNT}:user/ops/bob` },
      }),
    );
    trail.addEvent(eksCreate('search', clock - 2 * DAY));

    const { Events = [] } = await client().send(
      new LookupEventsCommand({
        LookupAttributes: BY_EVENT_NAME,
        StartTime: new Date(clock - 10 * DAY),
        EndTime: new Date(clock),
      }),
    );

    expect(Events.map((event) => [event.EventSource, event.EventTime])).toEqual([
      ['ecs.amazonaws.com', new Date(clock - DAY)],
      ['eks.amazonaws.com', new Date(clock - 2 * DAY)],
      ['eks.amazonaws.com', new Date(clock - 3 * DAY)],
    ]);
    const records = Events.map((event) => JSON.parse(event.CloudTrailEvent ?? '{}'));
    const eks = records.filter((record) => record.eventSource === 'eks.amazonaws.com');
    expect(eks.map((record) => record.responseElements.cluster.name)).toEqual(['search', 'payments']);
    expect(eks[1]).toMatchObject({
      eventName: 'CreateCluster',
      requestParameters: { name: 'payments' },
      responseElements: { cluster: { arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/payments` } },
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cluster-builder/alice@example.com`,
        invokedBy: 'cloudformation.amazonaws.com',
        sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE_WITH_PATH, userName: 'cluster-builder' } },
      },
    });
    expect(Events[1]).toMatchObject({
      EventName: 'CreateCluster',
      ReadOnly: 'false',
      Username: 'alice@example.com',
      Resources: [{ ResourceType: 'AWS::EKS::Cluster', ResourceName: 'search' }],
    });
    const [call] = trail.callsTo('LookupEvents');
    expect(call?.headers['x-amz-target']).toBe('CloudTrail_20131101.LookupEvents');
    expect(call?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(call?.body ?? '{}')).toEqual({
      LookupAttributes: BY_EVENT_NAME,
      StartTime: (clock - 10 * DAY) / 1000,
      EndTime: clock / 1000,
    });
  });

  it("routes botocore's long X-Amz-Target form too", async () => {
    trail.addEvent(eksCreate('legacy', clock - DAY));

    const response = await fetch(`${trail.url}/`, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIASANDBOXEXAMPLE01/20250601/eu-west-1/cloudtrail/aws4_request',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
      },
      body: JSON.stringify({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'legacy' }] }),
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as { Events: { EventTime: number; CloudTrailEvent: string }[] };
    expect(body.Events).toHaveLength(1);
    expect(body.Events[0]?.EventTime).toBe((clock - DAY) / 1000);
    expect(typeof body.Events[0]?.CloudTrailEvent).toBe('string');
  });

  it.each<[string, LookupEventsCommandInput, new (...args: never[]) => Error]>([
    [
      'two lookup attributes',
      { LookupAttributes: [...BY_EVENT_NAME, { AttributeKey: 'EventSource', AttributeValue: 'eks.amazonaws.com' }] },
      InvalidLookupAttributesException,
    ],
    [
      'StartTime after EndTime',
      { StartTime: new Date(clock), EndTime: new Date(clock - DAY) },
      InvalidTimeRangeException,
    ],
    ['MaxResults above 50', { MaxResults: 51 }, InvalidMaxResultsException],
    ['MaxResults of 0', { MaxResults: 0 }, InvalidMaxResultsException],
  ])('rejects %s with the modelled exception', async (_case, input: LookupEventsCommandInput, ErrorClass) => {
    const error = await client()
      .send(new LookupEventsCommand(input))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(trail.lookups).toBe(0);
  });

  it('pages newest first with NextToken, and refuses a token replayed with other parameters', async () => {
    for (let i = 0; i < 7; i++) trail.addEvent(eksCreate(`cluster-${i}`, clock - (i + 1) * 60_000));
    // A fresh input object per use: the SDK paginator writes NextToken into the input it is given.
    const input = () => ({ LookupAttributes: BY_EVENT_NAME, MaxResults: 3 });

    const pages = [];
    for await (const page of paginateLookupEvents({ client: client() }, input())) pages.push(page);
    const first = await client().send(new LookupEventsCommand(input()));
    const replayed = await client()
      .send(new LookupEventsCommand({ ...input(), MaxResults: 2, NextToken: first.NextToken }))
      .catch((e: unknown) => e);

    const names = pages.map((page) =>
      (page.Events ?? []).map((event) => JSON.parse(event.CloudTrailEvent ?? '{}').requestParameters.name),
    );
    expect(names).toEqual([
      ['cluster-0', 'cluster-1', 'cluster-2'],
      ['cluster-3', 'cluster-4', 'cluster-5'],
      ['cluster-6'],
    ]);
    expect(pages.at(-1)?.NextToken).toBeUndefined();
    expect(first.NextToken).toEqual(expect.any(String));
    expect(replayed).toBeInstanceOf(InvalidNextTokenException);
  });

  it('returns nothing older than 90 days, even when StartTime reaches further back', async () => {
    trail.addEvent(eksCreate('recent', clock - 89 * DAY));
    trail.addEvent(eksCreate('ancient', clock - 91 * DAY));

    const { Events = [] } = await client().send(
      new LookupEventsCommand({ LookupAttributes: BY_EVENT_NAME, StartTime: new Date(clock - 400 * DAY) }),
    );

    expect(Events.map((event) => JSON.parse(event.CloudTrailEvent ?? '{}').requestParameters.name)).toEqual(['recent']);
  });
});

describe('CloudTrail fake rate limit (2 LookupEvents calls per second)', () => {
  beforeEach(() => {
    trail.setRateLimit(LOOKUP_EVENTS_RATE_LIMIT);
  });

  it('throttles the third call within one second with ThrottlingException, and admits it once the second has passed', async () => {
    const noRetry = client({ maxAttempts: 1 });
    const lookup = () => noRetry.send(new LookupEventsCommand({ LookupAttributes: BY_EVENT_NAME }));

    await lookup();
    await lookup();
    const third = await lookup().catch((e: unknown) => e);
    const fourth = await lookup().catch((e: unknown) => e);
    rateNow += 1_000;
    const later = await lookup();

    expect(third).toBeInstanceOf(ThrottlingException);
    expect(third).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(fourth).toBeInstanceOf(ThrottlingException);
    expect(later.$metadata.httpStatusCode).toBe(200);
    expect(trail.callsTo('LookupEvents').map((call) => call.status)).toEqual([200, 200, 400, 400, 200]);
    expect(JSON.parse(trail.callsTo('LookupEvents')[2]?.body ?? '')).toEqual({ LookupAttributes: BY_EVENT_NAME });
    expect(trail.throttled).toBe(2);
  });

  it("is survived by the SDK's default retry strategy once the window frees up", async () => {
    const defaultRetries = client();
    await defaultRetries.send(new LookupEventsCommand({}));
    await defaultRetries.send(new LookupEventsCommand({}));

    const pending = defaultRetries.send(new LookupEventsCommand({}));
    await trail.waitForCall((call) => call.status === 400);
    rateNow += 1_000;
    const result = await pending;

    expect(result.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 2 });
    expect(trail.callsTo('LookupEvents').map((call) => call.status)).toEqual([200, 200, 400, 200]);
    expect(trail.lookups).toBe(3);
  });
});
