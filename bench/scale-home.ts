/**
 * The App Home at scale (issue 21, "Cost as the work grows"): a person holding 1, 50 or 500 active grants opens
 * their Home tab. Timed in-process, warm, median of several: the product's `publishHome` as the worker's `home`
 * job runs it (the person's recent requests read from a real Redis by the request store, the view built, rendered
 * to Block Kit and published with `views.publish` to the Slack fake on loopback), and apart from it the building
 * and rendering alone (homeView + renderHomeBlocks), which is the CPU the size of the list costs.
 */
import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { SlackWebApiFake } from '../sandbox/slack/web-api.ts';
import { createSlackHomeTab } from '../src/adapters/slack/home-tab.ts';
import { renderHomeBlocks } from '../src/adapters/slack/render/block-kit.ts';
import { createIdentityLinks } from '../src/adapters/store/identity-links.ts';
import { createMessageLog } from '../src/adapters/store/message-log.ts';
import { createRequestStore } from '../src/adapters/store/request-store.ts';
import { parseConfig } from '../src/config/load.ts';
import { asPersonId } from '../src/core/ids.ts';
import { homeView } from '../src/core/messages/home-view.ts';
import { startRedisServer } from '../src/runtime/redis-server.ts';
import { publishHome } from '../src/usecases/report/home-tab.ts';
import { median } from './lib.ts';
import { activeGrant } from './scale-cycles.ts';

export interface HomeOptions {
  grants: readonly number[];
  /** Timed runs per size (after WARM_UP untimed ones). */
  repeats: number;
}

export interface HomeCell {
  grants: number;
  /** publishHome, median wall time: store read + build + render + views.publish to the fake. */
  publishMs: number;
  /** homeView + renderHomeBlocks alone, median. */
  renderMs: number;
  /** Blocks published (Slack allows 100 in a Home view). */
  blocks: number;
}

const PREFIX = '{bench-home}';
const CLUSTER = 'home-01';
const WARM_UP = 10;
const CONFIG = `clusters:
  - name: ${CLUSTER}
    region: us-east-1
    accountId: "111122223333"
    approvers: [U0APPROVER1]
`;

export async function measureHome(options: HomeOptions): Promise<HomeCell[]> {
  const server = await startRedisServer();
  const slack = await SlackWebApiFake.start();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    const store = createRequestStore(redis, PREFIX);
    const deps = {
      clock: { now: () => Date.now() },
      settings: parseConfig(CONFIG),
      store,
      messages: createMessageLog(redis, PREFIX),
      identityLinks: createIdentityLinks(redis, PREFIX),
      home: createSlackHomeTab(
        new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      ),
    };
    const now = Date.now();
    const users = options.grants.map((grants) => asPersonId(`U0HOME${grants}`));
    for (const [k, grants] of options.grants.entries()) {
      for (let i = 0; i < grants; i++) {
        await store.create(activeGrant(CLUSTER, grants * 10_000 + i, now, users[k]));
      }
    }
    // Sizes take turns, round by round, so no size is timed while the JIT is still cold or the machine busier.
    const publish = options.grants.map((): number[] => []);
    const render = options.grants.map((): number[] => []);
    const blocks = options.grants.map(() => 0);
    for (let r = 0; r < WARM_UP + options.repeats; r++) {
      for (const [k, user] of users.entries()) {
        const started = performance.now();
        await publishHome(deps, user);
        if (r >= WARM_UP) publish[k]?.push(performance.now() - started);
        // The same inputs publishHome builds from: the person's 100 most recent requests.
        const requests = await store.listForUser(user, 100);
        const renderStarted = performance.now();
        const view = homeView({
          user,
          now: Date.now(),
          grants: requests.filter((q) => q.status === 'granted'),
          pending: [],
          waiting: [],
          isApprover: false,
        });
        blocks[k] = renderHomeBlocks(view).length;
        if (r >= WARM_UP) render[k]?.push(performance.now() - renderStarted);
      }
    }
    const cells: HomeCell[] = options.grants.map((grants, k) => ({
      grants,
      publishMs: Number(median(publish[k] ?? []).toFixed(2)),
      renderMs: Number(median(render[k] ?? []).toFixed(3)),
      blocks: blocks[k] ?? 0,
    }));
    return cells;
  } finally {
    await redis.quit();
    await slack.close();
    await server.stop();
  }
}
