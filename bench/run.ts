/** `npm run bench`: every benchmark with its baseline in the same run; figures go to bench/results.json. */
import { benchAck } from './ack-latency.ts';
import { benchAckReplica } from './ack-replica.ts';
import { benchAwsAuthBatching } from './aws-auth-batching.ts';
import { benchAwsAuthCpu } from './aws-auth-cpu.ts';
import { benchClickLatency } from './click-latency.ts';
import { benchDiagnose } from './diagnose.ts';
import { benchExpiry } from './expiry.ts';
import { benchPipeline } from './pipeline.ts';
import { benchScale } from './scale.ts';

const BENCHMARKS: Record<string, () => Promise<boolean>> = {
  ack: benchAck,
  ackReplica: benchAckReplica,
  expiry: benchExpiry,
  pipeline: benchPipeline,
  diagnose: benchDiagnose,
  awsAuthCpu: benchAwsAuthCpu,
  awsAuthBatching: benchAwsAuthBatching,
  latency: benchClickLatency,
  scale: benchScale,
};

/**
 * `npm run bench -- memory` runs the ack benchmark, which also measures the web process's RSS; `-- replica` the
 * cost of waiting for a replica before the ack.
 */
const ALIASES: Record<string, string> = { memory: 'ack', 'aws-auth': 'awsAuthBatching', replica: 'ackReplica' };
const only = process.argv.slice(2).map((name) => ALIASES[name] ?? name);
const unknown = only.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}, memory`);
  process.exit(2);
}
let allPassed = true;
for (const [name, bench] of Object.entries(BENCHMARKS)) {
  if (only.length > 0 && !only.includes(name)) continue;
  allPassed = (await bench()) && allPassed;
}
console.log(allPassed ? '\nall targets met' : '\nsome targets missed');
process.exit(allPassed ? 0 : 1);
