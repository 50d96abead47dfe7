import { parseArgs } from 'node:util';
import { createAwsClients } from '../adapters/aws/aws-clients.ts';
import { probeCluster } from '../adapters/aws/cluster-probe.ts';
import { ConfigError, loadConfigFile } from '../config/load.ts';
import { parseArgsHint } from './cli-words.ts';

export const CONFIG_CHECK_USAGE = `Usage: eks-access config check [--file FILE] [--online]

Validates a config file (default: $EKS_ACCESS_CONFIG or ./eks-access.yaml) and names each bad key by its path.
With --online it also checks, for every cluster, that the executor identity (the cluster's roleArn, or this
shell's AWS credentials) can call eks:DescribeCluster and that the cluster's API endpoint answers over TLS with
its own CA. It changes nothing. Exit codes: 0 valid (and reachable), 1 a problem was found, 64 usage error.

Examples:
  eks-access config check --file eks-access.yaml
  eks-access config check --online`;

/** `eks-access config check`: no Slack, no Redis. */
export async function runConfigCheck(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  let values: { file?: string | undefined; online?: boolean | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { file: { type: 'string' }, online: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(
      `${parseArgsHint((error as Error).message, ['file', 'online', 'help'])}\n\n${CONFIG_CHECK_USAGE}\n`,
    );
    return 64;
  }
  if (sub === '--help' || sub === '-h' || values.help) {
    process.stdout.write(`${CONFIG_CHECK_USAGE}\n`);
    return 0;
  }
  if (sub !== 'check') {
    process.stderr.write(`Unknown config command "${sub ?? ''}".\n\n${CONFIG_CHECK_USAGE}\n`);
    return 64;
  }
  const file = values.file ?? (env['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml');
  let config: ReturnType<typeof loadConfigFile>;
  try {
    config = loadConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  process.stdout.write(`${file}: valid, ${config.clusters.length} cluster(s)\n`);
  if (!values.online) return 0;
  const clients = createAwsClients();
  try {
    const results = await Promise.all(
      config.clusters.map(async (cluster) => ({
        cluster,
        probe: await probeCluster(clients.forCluster(cluster), cluster),
      })),
    );
    for (const { cluster, probe } of results) {
      const line = probe.ok
        ? `✓ ${cluster.name} (${cluster.region}): ${probe.status}, ${probe.authenticationMode}, ${probe.endpoint} reachable`
        : `✗ ${cluster.name} (${cluster.region}): ${probe.problem}`;
      process.stdout.write(`${line}\n`);
    }
    return results.every((r) => r.probe.ok) ? 0 : 1;
  } finally {
    clients.destroy();
  }
}
