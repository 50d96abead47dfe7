import { callerIdentity } from '../adapters/aws/caller-identity.ts';
import { readSharedProfiles } from '../adapters/aws/shared-profiles.ts';
import type { CallerFacts, ReaderFacts } from '../core/diagnose/reader.ts';
import { credentialProblemOf, toAdapterError } from '../shared/errors.ts';

/**
 * Whose credentials `doctor` runs with: the profile (AWS_PROFILE, checked against the shared files), whether keys
 * are in the environment, and `sts:GetCallerIdentity`, classified by the SDK error's name when AWS refuses them.
 */
export async function readReaderFacts(
  env: NodeJS.ProcessEnv,
  region: string,
  role: ReaderFacts['role'],
): Promise<ReaderFacts> {
  const profile = env['AWS_PROFILE']?.trim() || undefined;
  const { profiles } = readSharedProfiles(env);
  const named = profile !== undefined ? profiles.get(profile) : undefined;
  return {
    ...(profile !== undefined
      ? { profile, profileExists: named !== undefined, profileIsSso: named?.isSso ?? false }
      : {}),
    knownProfiles: [...profiles.keys()],
    hasEnvKeys: Boolean(env['AWS_ACCESS_KEY_ID']?.trim()),
    caller: await readCaller(region),
    ...(role ? { role } : {}),
  };
}

async function readCaller(region: string): Promise<CallerFacts> {
  try {
    return { ok: true, ...(await callerIdentity(region)) };
  } catch (error) {
    const adapterError = toAdapterError(error);
    const problem = credentialProblemOf(adapterError);
    return {
      ok: false,
      ...(problem !== undefined ? { problem } : {}),
      ...(adapterError.upstream !== undefined ? { upstream: adapterError.upstream } : {}),
    };
  }
}
