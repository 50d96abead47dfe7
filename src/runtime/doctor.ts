import { parseArgs } from 'node:util';
import { createAwsClients } from '../adapters/aws/aws-clients.ts';
import { createDiagnosticsGateways } from '../adapters/aws/diagnostics-gateways.ts';
import { loadConfigFile } from '../config/load.ts';
import { diagnose } from '../core/diagnose/diagnose.ts';
import {
  credentialsRejectedDiagnosis,
  doctorJson,
  doctorPreface,
  doctorText,
  unreadEvidence,
} from '../core/diagnose/doctor-report.ts';
import type { Evidence } from '../core/diagnose/evidence.ts';
import type { Diagnosis } from '../core/diagnose/finding.ts';
import type { ReaderFacts } from '../core/diagnose/reader.ts';
import { isParsedArn, parseArn } from '../core/identity/arn.ts';
import { describeRefusal } from '../core/messages/describe-refusal.ts';
import { plainText } from '../core/messages/rich.ts';
import { type ClusterSettings, isRefusal, resolveCluster } from '../core/settings.ts';
import { gatherEvidence } from '../usecases/diagnose/gather-evidence.ts';
import { parseArgsHint } from './cli-words.ts';
import { readReaderFacts } from './doctor-reader.ts';

export const DOCTOR_USAGE = `Usage: eks-access doctor --cluster NAME [--arn ARN] [--role-arn ROLE_ARN] [--namespace NS] [--json]

Explains why an IAM identity is (or is not) authorized on an EKS cluster, with the same engine as the Slack bot.
It runs with this shell's AWS credentials (AWS_PROFILE, or the default credential chain) and says first which
identity they are (aws sts get-caller-identity), or why AWS refused them and the command that fixes it.
Without --arn it checks that identity. Look-ups that could not run are listed with the reason.

Options:
  --arn ARN          check this identity instead of the caller's own
  --role-arn ARN     read the cluster (EKS, IAM, CloudTrail, aws-auth) as this role, assumed with sts:AssumeRole,
                     e.g. an admin role when the cluster answers 401 to your own token (instead of the cluster's
                     roleArn in the config)
  --namespace NS     the namespace you are trying to use
  --json             machine-readable output

Exit codes:
  0   access should work
  1   a problem was found (including "the cluster answered 401 to your token": the lock-out)
  2   the facts were not enough to tell
  3   AWS refused this shell's credentials (expired session, unknown key, no credentials, wrong profile): nothing
      was checked; the output says which command fixes it
  64  usage error

Examples:
  eks-access doctor --cluster prod-cluster
  eks-access doctor --cluster prod --arn arn:aws:iam::111122223333:role/platform/bob-admin --json
  eks-access doctor --cluster prod --role-arn arn:aws:iam::111122223333:role/platform-admin`;

export const EXIT = { ok: 0, problem: 1, unknown: 2, credentials: 3, usage: 64 } as const;

const OPTIONS = ['cluster', 'arn', 'role-arn', 'namespace', 'json', 'help'];

interface DoctorArgs {
  cluster?: string | undefined;
  arn?: string | undefined;
  'role-arn'?: string | undefined;
  namespace?: string | undefined;
  json?: boolean | undefined;
  help?: boolean | undefined;
}

/** `eks-access doctor`: no Slack, no Redis; reads the config file and asks AWS and the cluster directly. */
export async function runDoctor(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: DoctorArgs;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cluster: { type: 'string' },
        arn: { type: 'string' },
        'role-arn': { type: 'string' },
        namespace: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${parseArgsHint((error as Error).message, OPTIONS)}\n\n${DOCTOR_USAGE}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(`${DOCTOR_USAGE}\n`);
    return EXIT.ok;
  }
  if (!values.cluster) return usage('--cluster is required.');
  const roleArn = values['role-arn'];
  if (roleArn !== undefined && !isRole(roleArn)) {
    return usage(`--role-arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), not ${roleArn}.`);
  }
  const config = loadConfigFile(env['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml');
  const cluster = resolveCluster(config, values.cluster);
  if (isRefusal(cluster)) {
    process.stderr.write(`${plainText(describeRefusal(cluster)).replace(/`/g, '')}\n`);
    return EXIT.usage;
  }
  const role: ReaderFacts['role'] = roleArn
    ? { arn: roleArn, source: 'option' }
    : cluster.roleArn
      ? { arn: cluster.roleArn, source: 'config' }
      : undefined;
  const reader = await readReaderFacts(env, cluster.region, role);
  const base = {
    cluster: { name: cluster.name, region: cluster.region, accountId: cluster.accountId, method: cluster.method },
    now: Date.now(),
    ask: values.namespace ? { namespace: values.namespace } : {},
    reader,
  };
  if (!reader.caller.ok && reader.caller.problem !== undefined) {
    // Every look-up signs with these credentials: say why AWS refused them and how to fix it, and stop.
    const given = values.arn ?? '(not known: AWS rejected the credentials)';
    const evidence = unreadEvidence({
      ...base,
      identity: { given, source: values.arn ? 'pasted_arn' : 'caller_identity' },
    });
    print(credentialsRejectedDiagnosis(evidence), evidence, values.json === true);
    return EXIT.credentials;
  }
  const given = values.arn ?? (reader.caller.ok ? reader.caller.arn : undefined);
  if (given === undefined) {
    const preface = doctorPreface(base);
    process.stderr.write(`${preface.join('\n')}\nCould not read your AWS identity; pass --arn.\n`);
    return EXIT.unknown;
  }
  const readAs: ClusterSettings = role ? { ...cluster, roleArn: role.arn } : cluster;
  const clients = createAwsClients();
  try {
    const gathered = await gatherEvidence(
      { clock: { now: () => Date.now() }, diagnostics: createDiagnosticsGateways(clients) },
      { cluster: readAs, identity: { given, source: values.arn ? 'pasted_arn' : 'caller_identity' }, ask: base.ask },
    );
    const evidence: Evidence = { ...gathered, cluster: base.cluster, reader };
    const diagnosis = diagnose(evidence);
    print(diagnosis, evidence, values.json === true);
    return EXIT[diagnosis.verdict];
  } finally {
    clients.destroy();
  }
}

function usage(message: string): number {
  process.stderr.write(`${message}\n\n${DOCTOR_USAGE}\n`);
  return EXIT.usage;
}

function isRole(arn: string): boolean {
  const parsed = parseArn(arn);
  return isParsedArn(parsed) && parsed.kind === 'role';
}

function print(diagnosis: Diagnosis, evidence: Evidence, json: boolean): void {
  process.stdout.write(
    json ? `${JSON.stringify(doctorJson(diagnosis, evidence), null, 2)}\n` : `${doctorText(diagnosis, evidence)}\n`,
  );
}
