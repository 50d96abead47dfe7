import { parseArgs } from 'node:util';
import { createWorkerConnection } from '../adapters/queue/connection.ts';
import { createAuditLog } from '../adapters/store/audit-log.ts';
import { loadConfigFile } from '../config/load.ts';
import { readRedisTopology } from '../config/redis-topology.ts';
import { csvHeader, csvRow, jsonLine, parseSince } from '../core/audit/export-format.ts';
import { describeRefusal } from '../core/messages/describe-refusal.ts';
import { plainText } from '../core/messages/rich.ts';
import { isRefusal, resolveCluster } from '../core/settings.ts';
import { parseArgsHint } from './cli-words.ts';

export const AUDIT_USAGE = `Usage:
  eks-access audit [--cluster NAME] [--since 7d] [--format jsonl|csv]

Prints the audit trail (every request, decision, AWS and Kubernetes call, expiry, revoke, drift and refusal),
oldest first. --since takes 90s, 30m, 12h, 7d or 2w (default: everything kept); --format defaults to jsonl.
CSV is RFC 4180 with a header row; cells that a spreadsheet would run as a formula start with '.
Needs REDIS_URL (the bot's Redis); with --cluster also EKS_ACCESS_CONFIG. Exit codes: 0 done, 64 usage.`;

/** `eks-access audit`: a read-only export of the Redis audit stream to stdout. */
export async function runAuditCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: {
    cluster?: string | undefined;
    since?: string | undefined;
    format?: string | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cluster: { type: 'string' },
        since: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usage(parseArgsHint((error as Error).message, ['cluster', 'since', 'format', 'help']));
  }
  if (values.help) {
    process.stdout.write(`${AUDIT_USAGE}
`);
    return 0;
  }
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') return usage(`--format must be jsonl or csv, not "${format}".`);
  const sinceMs = values.since === undefined ? undefined : parseSince(values.since);
  if (values.since !== undefined && sinceMs === undefined)
    return usage(`--since takes a duration such as 30m, 12h or 7d, not "${values.since}".`);
  const redisProblems: string[] = [];
  const redisTopology = readRedisTopology(env, redisProblems);
  if (!redisTopology || redisProblems.length > 0) {
    return usage(redisProblems[0] ?? 'REDIS_URL is missing: the Redis the bot uses.');
  }
  let cluster: string | undefined;
  if (values.cluster !== undefined) {
    const resolved = resolveCluster(
      loadConfigFile(env['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml'),
      values.cluster,
    );
    if (isRefusal(resolved)) return usage(plainText(describeRefusal(resolved)).replace(/`/g, ''));
    cluster = resolved.name;
  }
  const redis = createWorkerConnection(redisTopology);
  const prefix = env['EKS_ACCESS_REDIS_PREFIX']?.trim() || '{eks-access}';
  try {
    const audit = createAuditLog(redis, prefix);
    const since = sinceMs === undefined ? 0 : Date.now() - sinceMs;
    if (format === 'csv') await write(csvHeader());
    for await (const event of audit.readSince(since)) {
      if (cluster !== undefined && event.cluster !== cluster) continue;
      await write(format === 'csv' ? csvRow(event) : jsonLine(event));
    }
    return 0;
  } finally {
    await redis.quit();
  }
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n\n${AUDIT_USAGE}\n`);
  return 64;
}

/** Respects back-pressure, so a large export piped into `head` or a slow disk does not buffer the stream. */
function write(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
