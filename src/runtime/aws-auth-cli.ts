import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../adapters/aws/aws-clients.ts';
import { createDiagnosticsGateways } from '../adapters/aws/diagnostics-gateways.ts';
import { createAwsAuthGateways } from '../adapters/kubernetes/aws-auth-gateways.ts';
import { createWorkerConnection } from '../adapters/queue/connection.ts';
import { createAuditLog } from '../adapters/store/audit-log.ts';
import { loadConfigFile } from '../config/load.ts';
import { readRedisTopology } from '../config/redis-topology.ts';
import { describeRefusal } from '../core/messages/describe-refusal.ts';
import { plainText } from '../core/messages/rich.ts';
import { isRefusal, resolveCluster } from '../core/settings.ts';
import { createLogger } from '../shared/logger.ts';
import { restoreAwsAuth } from '../usecases/end/restore-aws-auth.ts';
import { awsAuthVersions } from '../usecases/report/aws-auth-history.ts';
import { isHelpFlag, parseArgsHint, unknownWordHint } from './cli-words.ts';

export const AWS_AUTH_USAGE = `Usage:
  eks-access aws-auth history --cluster NAME
  eks-access aws-auth restore --cluster NAME --version N

history lists the versions of the cluster's aws-auth that eks-access replaced (from its audit trail).
restore writes version N back through the same single writer and creator-safety check as any grant.
Needs REDIS_URL (the bot's Redis), EKS_ACCESS_CONFIG and AWS credentials. Exit codes: 0 done, 1 refused, 64 usage.`;

/** `eks-access aws-auth history|restore`. */
export async function runAwsAuthCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  // Help never needs Redis, AWS or the config file.
  if (isHelpFlag(sub) || rest.some(isHelpFlag)) {
    process.stdout.write(`${AWS_AUTH_USAGE}\n`);
    return 0;
  }
  if (sub !== 'history' && sub !== 'restore') {
    const hint = sub ? `Unknown subcommand "${sub}".${unknownWordHint(sub, ['history', 'restore'])}\n\n` : '';
    process.stderr.write(`${hint}${AWS_AUTH_USAGE}\n`);
    return 64;
  }
  let values: { cluster?: string | undefined; version?: string | undefined };
  try {
    ({ values } = parseArgs({ args: rest, options: { cluster: { type: 'string' }, version: { type: 'string' } } }));
  } catch (error) {
    process.stderr.write(`${parseArgsHint((error as Error).message, ['cluster', 'version'])}\n\n${AWS_AUTH_USAGE}\n`);
    return 64;
  }
  const redisProblems: string[] = [];
  const redisTopology = readRedisTopology(env, redisProblems);
  if (!redisTopology && redisProblems.length === 0) redisProblems.push('REDIS_URL is missing: the Redis the bot uses.');
  if (!values.cluster || !redisTopology || redisProblems.length > 0) {
    process.stderr.write(`${redisProblems.map((p) => `${p}\n\n`).join('')}${AWS_AUTH_USAGE}\n`);
    return 64;
  }
  const config = loadConfigFile(env['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml');
  const cluster = resolveCluster(config, values.cluster);
  if (isRefusal(cluster)) {
    process.stderr.write(`${plainText(describeRefusal(cluster)).replace(/`/g, '')}\n`);
    return 64;
  }
  const redis = createWorkerConnection(redisTopology);
  const prefix = env['EKS_ACCESS_REDIS_PREFIX']?.trim() || '{eks-access}';
  const audit = createAuditLog(redis, prefix);
  const clients = createAwsClients();
  try {
    const events = await audit.read(100_000);
    if (sub === 'history') {
      const versions = awsAuthVersions(events, cluster.name);
      if (versions.length === 0)
        process.stdout.write(`No aws-auth writes by eks-access recorded for ${cluster.name}.\n`);
      for (const v of versions) {
        const items =
          (v.data['mapRoles']?.match(/^\s*-\s/gm)?.length ?? 0) + (v.data['mapUsers']?.match(/^\s*-\s/gm)?.length ?? 0);
        process.stdout.write(
          `${String(v.version).padStart(3)}  ${new Date(v.at).toISOString()}  replaced by ${v.requestId ?? v.actor}  resourceVersion ${v.resourceVersionBefore ?? '?'} → ${v.resourceVersionAfter ?? '?'}  ${items} items\n`,
        );
      }
      return 0;
    }
    const version = Number(values.version);
    if (!Number.isInteger(version) || version < 1) {
      process.stderr.write(`--version must be a version number from \`eks-access aws-auth history\`.\n`);
      return 64;
    }
    const deps = {
      clock: { now: () => Date.now() },
      audit,
      diagnostics: createDiagnosticsGateways(clients),
      awsAuth: createAwsAuthGateways({ redis, prefix, clients, audit, log: createLogger(env['LOG_LEVEL'] ?? 'warn') }),
    };
    const outcome = await restoreAwsAuth(deps, { cluster, version, actor: `cli:${userInfo().username}`, events });
    if (outcome.kind === 'unknown_version') {
      process.stderr.write(`There is no version ${version}; ${cluster.name} has ${outcome.versions}.\n`);
      return 64;
    }
    if (outcome.result.status === 'refused') {
      process.stderr.write(`Refused by the creator-safety check: ${outcome.result.refusal?.message ?? 'refused'}\n`);
      return 1;
    }
    process.stdout.write(
      outcome.result.status === 'unchanged'
        ? `aws-auth of ${cluster.name} already equals version ${version}; nothing written.\n`
        : `Restored version ${version} of ${cluster.name}'s aws-auth (resourceVersion ${outcome.resourceVersionAfter ?? '?'}).\n`,
    );
    return 0;
  } finally {
    clients.destroy();
    await redis.quit();
  }
}
