import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describeConfigIssue } from './describe-issue.ts';
import { type AwsPartition, partitionOfRegion } from './partition.ts';
import { type ClusterConfig, type Config, configSchema } from './schema.ts';

/** A config file that cannot be used; `problems` name each key path and what was expected. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`Invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A validated config whose clusters carry their Region's partition, for every ARN and host the bot builds. */
export type LoadedConfig = Omit<Config, 'clusters'> & { clusters: (ClusterConfig & AwsPartition)[] };

export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const fix =
      code === 'ENOENT'
        ? 'start from the example: cp eks-access.example.yaml eks-access.yaml (or set EKS_ACCESS_CONFIG to your file)'
        : 'set EKS_ACCESS_CONFIG to a file this process can read';
    throw new ConfigError(file, [`cannot read the file (${code}); ${fix}`]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = 'config'): LoadedConfig {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 50 });
  } catch (error) {
    throw new ConfigError(file, [`not valid YAML: ${yamlErrorText(error as Error)}`]);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((issue) => describeConfigIssue(issue, raw, configSchema)),
    );
  }
  const clusters = result.data.clusters.map((cluster) => ({ ...cluster, ...partitionOfRegion(cluster.region) }));
  const problems = clusters.flatMap((cluster, index) => partitionProblems(cluster, index));
  if (problems.length > 0) throw new ConfigError(file, problems);
  return deepFreeze({ ...result.data, clusters });
}

/**
 * A role ARN of another partition can never be assumed for this cluster (IAM principals do not cross partitions),
 * so it is refused here rather than failing every call later.
 */
function partitionProblems(cluster: ClusterConfig & AwsPartition, index: number): string[] {
  const rolePartition = cluster.roleArn?.split(':')[1];
  if (rolePartition === undefined || rolePartition === cluster.partition) return [];
  return [
    `clusters[${index}].roleArn: ${cluster.roleArn} is in partition ${rolePartition}, but region ${cluster.region} is in ${cluster.partition}; use arn:${cluster.partition}:iam::…`,
  ];
}

/** The yaml package's message names the line and column, then quotes the line with a caret under the column. */
function yamlErrorText(error: Error): string {
  const [first = '', ...context] = error.message.split('\n');
  const quoted = context.filter((line) => line.trim() !== '');
  const headline = first.replace(/:\s*$/, '');
  return quoted.length > 0 ? `${headline}\n${quoted.map((line) => `      ${line}`).join('\n')}` : headline;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
