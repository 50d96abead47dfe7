/**
 * `doctor` runs with the person's own AWS credentials, which are often the very ones being refused. These are the
 * facts about them (gathered by the runtime) and the plain words for them: who the look-ups ran as, and, when AWS
 * refused the credentials, why and the command that fixes it.
 */

/** Why AWS refused the credentials, from the SDK error's name (the runtime classifies, see shared/errors.ts). */
export type CredentialProblem = 'expired' | 'invalid' | 'missing';

/** `sts:GetCallerIdentity` with the shell's credentials. `problem` is set when AWS refused the credentials themselves. */
export type CallerFacts =
  | { ok: true; arn: string; account: string }
  | { ok: false; problem?: CredentialProblem; upstream?: string };

export interface ReaderFacts {
  /** AWS_PROFILE, when set; otherwise the SDK's default credential chain was used. */
  profile?: string;
  /** False when AWS_PROFILE names a profile in neither shared file (~/.aws/config, ~/.aws/credentials). */
  profileExists?: boolean;
  /** The profile signs in through IAM Identity Center (sso_session or sso_start_url). */
  profileIsSso?: boolean;
  /** Profiles the shared files define, to suggest one. */
  knownProfiles: readonly string[];
  /** AWS_ACCESS_KEY_ID is set (and wins over the default profile when AWS_PROFILE is not set). */
  hasEnvKeys: boolean;
  caller: CallerFacts;
  /** A role assumed for the cluster reads: `--role-arn`, or the cluster's `roleArn` in the config. */
  role?: { arn: string; source: 'option' | 'config' };
}

export function credentialSourceText(r: ReaderFacts): string {
  if (r.profile !== undefined) return `profile ${r.profile} (AWS_PROFILE${r.profileIsSso ? ', SSO' : ''})`;
  if (r.hasEnvKeys) return 'the default credential chain (AWS_ACCESS_KEY_ID in the environment)';
  return 'the default credential chain (AWS_PROFILE not set)';
}

/** The first line of `doctor`'s output: whose credentials it used and where they came from. */
export function credentialsLine(r: ReaderFacts): string {
  const source = credentialSourceText(r);
  const { caller } = r;
  if (caller.ok) return `Credentials: ${caller.arn} (account ${caller.account}), from ${source}`;
  if (caller.problem !== undefined) {
    return `Credentials: REJECTED by AWS (${caller.upstream ?? 'no credentials'}), from ${source}`;
  }
  return `Credentials: from ${source}; sts:GetCallerIdentity failed (${caller.upstream ?? 'unknown error'})`;
}

/** Which identity signed the cluster reads, when it is not the caller's own. */
export function readsAsLine(r: ReaderFacts): string | undefined {
  if (!r.role) return undefined;
  const how = r.role.source === 'option' ? 'with --role-arn' : "the cluster's roleArn in the config";
  return `Cluster reads: as ${r.role.arn} (assumed, ${how})`;
}

export interface CredentialAdvice {
  /** What is wrong, in one sentence. */
  problem: string;
  /** The command that fixes it. */
  command: string;
  /** Anything else worth saying (other profiles to pick from). */
  note?: string;
}

/** Why AWS refused the credentials and the command that fixes it; undefined when they were not refused. */
export function credentialAdvice(r: ReaderFacts): CredentialAdvice | undefined {
  const { caller } = r;
  if (caller.ok || caller.problem === undefined) return undefined;
  const others = r.knownProfiles.filter((p) => p !== r.profile);
  const note = others.length > 0 ? { note: `Profiles in your AWS config: ${others.join(', ')}` } : {};
  if (r.profile !== undefined) return { ...profileAdvice(r.profile, r, caller.problem), ...note };
  if (caller.problem === 'missing') {
    return {
      problem: 'No AWS credentials were found: AWS_PROFILE is not set and there are no keys or default profile.',
      command: others[0] !== undefined ? `export AWS_PROFILE=${others[0]}` : 'aws configure',
      ...note,
    };
  }
  const where = r.hasEnvKeys ? 'The access key in AWS_ACCESS_KEY_ID' : 'The access key of the default profile';
  const problem =
    caller.problem === 'expired'
      ? `${where} belongs to a session that has expired.`
      : `${where} is not one AWS knows (deleted, deactivated, mistyped, or the wrong secret).`;
  // Keys in the environment win over every profile: they have to go before a profile or `aws configure` can help.
  const next = others[0] !== undefined ? `export AWS_PROFILE=${others[0]}` : 'aws configure';
  const command = r.hasEnvKeys ? `unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; ${next}` : next;
  return { problem, command, ...note };
}

function profileAdvice(profile: string, r: ReaderFacts, problem: CredentialProblem): CredentialAdvice {
  if (r.profileExists === false) {
    return {
      problem: `AWS_PROFILE=${profile} names a profile that is in neither ~/.aws/config nor ~/.aws/credentials.`,
      command: r.knownProfiles[0] !== undefined ? `export AWS_PROFILE=${r.knownProfiles[0]}` : 'aws configure sso',
    };
  }
  if (r.profileIsSso) {
    const what =
      problem === 'invalid'
        ? `AWS did not accept the credentials of SSO profile ${profile}.`
        : `The SSO session of profile ${profile} has expired (or you have not logged in yet).`;
    return { problem: what, command: `aws sso login --profile ${profile}` };
  }
  const what =
    problem === 'expired'
      ? `The session credentials of profile ${profile} have expired.`
      : problem === 'missing'
        ? `Profile ${profile} gave no usable credentials.`
        : `AWS does not know the access key of profile ${profile} (deleted, deactivated, or the wrong secret).`;
  return { problem: what, command: `aws configure --profile ${profile}` };
}
