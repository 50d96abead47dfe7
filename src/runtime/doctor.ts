import { parseArgs } from 'node:util';
import { createAwsClients } from '../adapters/aws/aws-clients.ts';
import { callerArn } from '../adapters/aws/caller-identity.ts';
import { createDiagnosticsGateways } from '../adapters/aws/diagnostics-gateways.ts';
import { loadConfigFile } from '../config/load.ts';
import { diagnose } from '../core/diagnose/diagnose.ts';
import { diagnosisToJson, renderDiagnosisText } from '../core/diagnose/render-text.ts';
import { isRefusal, resolveCluster } from '../core/directory.ts';
import { describeRefusal } from '../core/messages/describe-refusal.ts';
import { toAdapterError } from '../shared/errors.ts';
import { gatherEvidence } from '../usecases/gather-evidence.ts';
import { parseArgsHint } from './cli-words.ts';

export const DOCTOR_USAGE = `Usage: eks-access doctor --cluster NAME [--arn ARN] [--namespace NS] [--json]

Explains why an IAM identity is (or is not) authorized on an EKS cluster, with the same engine as the Slack bot.
Without --arn it checks the identity this shell's AWS credentials resolve to (aws sts get-caller-identity).
Exit codes: 0 access should work, 1 a problem was found, 2 the facts were not enough to tell, 64 usage error.

Examples:
  eks-access doctor --cluster prod-cluster
  eks-access doctor --cluster prod --arn arn:aws:iam::111122223333:role/platform/bob-admin --json`;

export const EXIT = { ok: 0, problem: 1, unknown: 2, usage: 64 } as const;

/** `eks-access doctor`: no Slack, no Redis; reads the config file and asks AWS and the cluster directly. */
export async function runDoctor(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: {
    cluster?: string | undefined;
    arn?: string | undefined;
    namespace?: string | undefined;
    json?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        cluster: { type: 'string' },
        arn: { type: 'string' },
        namespace: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const hint = parseArgsHint((error as Error).message, ['cluster', 'arn', 'namespace', 'json', 'help']);
    process.stderr.write(`${hint}\n\n${DOCTOR_USAGE}\n`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(`${DOCTOR_USAGE}\n`);
    return EXIT.ok;
  }
  if (!values.cluster) {
    process.stderr.write(`--cluster is required.\n\n${DOCTOR_USAGE}\n`);
    return EXIT.usage;
  }
  const config = loadConfigFile(env['EKS_ACCESS_CONFIG']?.trim() || './eks-access.yaml');
  const cluster = resolveCluster(config, values.cluster);
  if (isRefusal(cluster)) {
    process.stderr.write(`${describeRefusal(cluster).replace(/`/g, '')}\n`);
    return EXIT.usage;
  }
  let given = values.arn;
  if (!given) {
    try {
      given = await callerArn(cluster.region);
    } catch (error) {
      process.stderr.write(
        `Could not read your AWS identity (${toAdapterError(error).upstream ?? 'no credentials'}); pass --arn.\n`,
      );
      return EXIT.unknown;
    }
  }
  const clients = createAwsClients();
  try {
    const evidence = await gatherEvidence(
      { clock: { now: () => Date.now() }, diagnostics: createDiagnosticsGateways(clients) },
      {
        cluster,
        identity: { given, source: values.arn ? 'pasted_arn' : 'caller_identity' },
        ask: values.namespace ? { namespace: values.namespace } : {},
      },
    );
    const diagnosis = diagnose(evidence);
    process.stdout.write(
      values.json
        ? `${JSON.stringify(diagnosisToJson(diagnosis, evidence), null, 2)}\n`
        : `${renderDiagnosisText(diagnosis, evidence)}\n`,
    );
    return EXIT[diagnosis.verdict];
  } finally {
    clients.destroy();
  }
}
