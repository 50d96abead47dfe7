/**
 * Diagnosis under AWS latency: every fake AWS call (and the Kubernetes API) answers after 300 ms.
 * Baseline, measured in the same run: the same look-ups made one after another, as a runbook would.
 * Also: 50 concurrent diagnoses of one cluster must make exactly one CloudTrail call.
 */

import { CloudTrailFake } from '../sandbox/aws/cloudtrail.ts';
import { createClusterEvent } from '../sandbox/aws/cloudtrail-events.ts';
import { EksFake } from '../sandbox/aws/eks.ts';
import { IamFake } from '../sandbox/aws/iam.ts';
import { KubernetesApiFake } from '../sandbox/kubernetes/api-server.ts';
import { createAwsClients } from '../src/adapters/aws/aws-clients.ts';
import { createDiagnosticsGateways } from '../src/adapters/aws/diagnostics-gateways.ts';
import { diagnose } from '../src/core/diagnose/diagnose.ts';
import type { ClusterSettings } from '../src/core/settings.ts';
import { gatherEvidence } from '../src/usecases/diagnose/gather-evidence.ts';
import { median, percentile, recordResult, row, timed } from './lib.ts';

const LATENCY_MS = 300;
const ROUNDS = 3;
const SAMPLES = 10;
const CONCURRENT = 50;
const ACCOUNT = '111122223333';
const KEY = { accessKeyId: 'AKIABENCHDIAGNOSE001', secretAccessKey: 'bench-secret' };
const ALICE = `arn:aws:iam::${ACCOUNT}:role/platform/alice`;

export async function benchDiagnose(): Promise<boolean> {
  const eks = await EksFake.start();
  const iam = await IamFake.start();
  const cloudtrail = await CloudTrailFake.start();
  const kube = await KubernetesApiFake.start({
    clusterName: 'bench-cluster',
    credentials: { [KEY.accessKeyId]: { ...KEY, arn: `arn:aws:iam::${ACCOUNT}:user/bench` } },
  });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EKS: eks.url,
    AWS_ENDPOINT_URL_IAM: iam.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.url,
    AWS_ACCESS_KEY_ID: KEY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const createdAt = Date.now() - 10 * 24 * 3600_000;
  iam.addRole(ALICE);
  eks.addCluster({
    name: 'bench-cluster',
    authenticationMode: 'API_AND_CONFIG_MAP',
    endpoint: kube.url,
    certificateAuthorityData: kube.caData,
    createdAt,
  });
  eks.seedAccessEntry('bench-cluster', {
    principalArn: ALICE,
    policies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy' }],
  });
  kube.setConfigMap('kube-system', 'aws-auth', { mapRoles: '' });
  cloudtrail.addEvent(
    createClusterEvent({
      clusterName: 'bench-cluster',
      region: 'us-east-1',
      accountId: ACCOUNT,
      eventTime: createdAt,
      userIdentity: { type: 'AssumedRole', roleArn: ALICE, sessionName: 'alice' },
    }),
  );
  for (const fake of [eks, iam, cloudtrail, kube]) fake.setLatency(LATENCY_MS);
  const cluster: ClusterSettings = {
    name: 'bench-cluster',
    aliases: [],
    region: 'us-east-1',
    accountId: ACCOUNT,
    method: 'auto',
    approvers: ['U0A'],
    requiredApprovals: 1,
  };
  const clients = createAwsClients();
  const identity = { given: `arn:aws:sts::${ACCOUNT}:assumed-role/alice/alice`, source: 'caller_identity' as const };

  const oneDiagnosis = async (gateways = createDiagnosticsGateways(clients)) => {
    const evidence = await gatherEvidence(
      { clock: { now: () => Date.now() }, diagnostics: gateways },
      { cluster, identity, ask: {} },
    );
    return diagnose(evidence);
  };
  const sequentialLookups = async () => {
    const g = createDiagnosticsGateways(clients).forCluster(cluster);
    const described = await g.describeCluster();
    await g.iamPrincipal('role', 'alice');
    await g.accessEntry(ALICE);
    if (described.connection) await g.awsAuth(described.connection);
    await g.creator(described.facts);
  };

  await oneDiagnosis(); // warm the SDK clients and TLS session once, as a running worker would be
  const cold: number[] = [];
  const baseline: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = await timed(sequentialLookups);
    const product = await timed(() => oneDiagnosis());
    baseline.push(base.ms);
    cold.push(product.ms);
    ratios.push(product.ms / base.ms);
  }
  const shared = createDiagnosticsGateways(clients);
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push((await timed(() => oneDiagnosis(shared))).ms);

  const lookupsBefore = cloudtrail.lookups;
  const burst = createDiagnosticsGateways(clients);
  const verdicts = await Promise.all(Array.from({ length: CONCURRENT }, () => oneDiagnosis(burst)));
  const cloudTrailCalls = cloudtrail.lookups - lookupsBefore;

  clients.destroy();
  await Promise.all([eks.close(), iam.close(), cloudtrail.close(), kube.close()]);

  const coldMedian = median(cold);
  const p95 = percentile(samples, 95);
  const result = {
    latencyPerCallMs: LATENCY_MS,
    diagnosisColdMedianMs: Math.round(coldMedian),
    diagnosisP50Ms: Math.round(percentile(samples, 50)),
    diagnosisP95Ms: Math.round(p95),
    sequentialBaselineMedianMs: Math.round(median(baseline)),
    ratioToSequentialMedian: Number(median(ratios).toFixed(2)),
    concurrentDiagnoses: CONCURRENT,
    cloudTrailCallsForConcurrentDiagnoses: cloudTrailCalls,
    verdictsOk: verdicts.filter((d) => d.verdict === 'ok').length,
  };
  recordResult('diagnose', result);
  const coldOk = coldMedian < 1000;
  const p95Ok = p95 < 1000;
  const singleFlight = cloudTrailCalls === 1;
  console.log('\nDiagnosis (300 ms per AWS and Kubernetes call)');
  console.log(
    row('one diagnosis, new gateways (median of 3)', `${result.diagnosisColdMedianMs} ms`, '< 1000 ms', coldOk),
  );
  console.log(
    row(
      'one diagnosis, steady state p50 / p95',
      `${result.diagnosisP50Ms} / ${result.diagnosisP95Ms} ms`,
      'p95 < 1000 ms',
      p95Ok,
    ),
  );
  console.log(row('baseline: the same look-ups one after another', `${result.sequentialBaselineMedianMs} ms`));
  console.log(row('ratio diagnosis / sequential baseline (median)', `${result.ratioToSequentialMedian}`));
  console.log(
    row(`CloudTrail calls for ${CONCURRENT} concurrent diagnoses`, `${cloudTrailCalls}`, '= 1', singleFlight),
  );
  return coldOk && p95Ok && singleFlight;
}
