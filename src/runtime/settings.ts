import { type Env, EnvError, type Role, readEnv } from '../config/env.ts';
import { ConfigError, loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { StartupError } from './startup-error.ts';

/**
 * Reads the environment and the config file together, so an operator sees every problem in one run rather than
 * the environment's on the first start and the file's on the next.
 */
export function readSettings(role: Role, environment: NodeJS.ProcessEnv): { env: Env; config: Config } {
  let env: Env | undefined;
  let config: Config | undefined;
  const sections: string[] = [];
  try {
    env = readEnv(role, environment);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    sections.push(`Environment variables:\n${bullets(error.problems)}`);
  }
  const configPath = env?.configPath ?? (environment['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml');
  try {
    config = loadConfigFile(configPath);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    sections.push(`Config file ${configPath}:\n${bullets(error.problems)}`);
  }
  if (!env || !config) throw new StartupError(`eks-access cannot start; fix these:\n${sections.join('\n')}`);
  return { env, config };
}

function bullets(problems: readonly string[]): string {
  return problems.map((p) => `  - ${p}`).join('\n');
}
