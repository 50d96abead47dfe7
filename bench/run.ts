/** `npm run bench`: every benchmark with its baseline in the same run; figures go to bench/results.json. */
import { benchAwsAuthBatching } from './aws-auth-batching.ts';
import { benchAwsAuthCpu } from './aws-auth-cpu.ts';
import { benchDiagnose } from './diagnose.ts';

const BENCHMARKS: Record<string, () => Promise<boolean>> = {
  diagnose: benchDiagnose,
  awsAuthCpu: benchAwsAuthCpu,
  awsAuthBatching: benchAwsAuthBatching,
};

const only = process.argv.slice(2);
let allPassed = true;
for (const [name, bench] of Object.entries(BENCHMARKS)) {
  if (only.length > 0 && !only.includes(name)) continue;
  allPassed = (await bench()) && allPassed;
}
console.log(allPassed ? '\nall targets met' : '\nsome targets missed');
process.exit(allPassed ? 0 : 1);
