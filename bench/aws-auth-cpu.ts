/**
 * CPU of one aws-auth write on a 2,000-entry ConfigMap: parse + upsert + creator-safety check + render, against
 * a plain js-yaml load + dump of the same mapRoles document measured in the same run (issue 4, "Performance").
 *
 * CPU time (process.cpuUsage deltas), not wall time. After a warm-up, each round runs baseline and product
 * alternately, one operation at a time, and adds up each side's CPU: both see the same JIT and heap state, and
 * the garbage collections each one's allocations trigger land on it in proportion. (Forcing a full GC before
 * each block was tried and dropped: V8 then discards type feedback and both sides re-warm, which measures the
 * collector, not the code.) Target: median over rounds of product / baseline ≤ 1.0.
 */
import { dump, load } from 'js-yaml';
import { type AwsAuthOp, editAwsAuth } from '../src/core/aws-auth/edit.ts';
import { checkAwsAuthChange } from '../src/core/aws-auth/safety.ts';
import { median, recordResult, row } from './lib.ts';

const ENTRIES = 2_000;
const ROUNDS = 5;
const ITERATIONS = 10;
const WARM_UP = 10;
const ACCOUNT = '111122223333';
const CREATOR = `arn:aws:iam::${ACCOUNT}:role/platform/cluster-creator`;

/** A realistic aws-auth: managed node groups, Fargate and Windows roles, then people, role paths stripped. */
export function realisticAwsAuth(entries = ENTRIES): Record<string, string> {
  const items: string[] = [];
  for (let i = 0; i < entries; i++) {
    const n = String(i).padStart(5, '0');
    if (i % 100 === 0) {
      items.push(
        `- rolearn: arn:aws:iam::${ACCOUNT}:role/eksctl-prod-nodegroup-ng-${n}-NodeInstanceRole-1Q2W3E4R5T6Y\n` +
          '  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n',
      );
    } else if (i % 250 === 1) {
      items.push(
        `- rolearn: arn:aws:iam::${ACCOUNT}:role/eks-fargate-profile-${n}\n` +
          '  username: system:node:{{SessionName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n' +
          '    - system:node-proxier\n',
      );
    } else {
      const level = ['view', 'edit', 'admin'][i % 3] ?? 'view';
      items.push(
        `- rolearn: arn:aws:iam::${ACCOUNT}:role/eng-${n}-platform-engineering\n` +
          `  username: eks-access:eng-${n}-platform-engineering\n  groups:\n    - eks-access:${level}\n`,
      );
    }
  }
  const mapUsers = `- userarn: arn:aws:iam::${ACCOUNT}:user/ops/break-glass\n  username: break-glass\n  groups:\n    - system:masters\n`;
  return { mapRoles: items.join(''), mapUsers, mapAccounts: `- "${ACCOUNT}"\n` };
}

const OP: AwsAuthOp = {
  op: 'upsert',
  id: 'bench-request',
  item: {
    kind: 'role',
    arn: `arn:aws:iam::${ACCOUNT}:role/new-engineer`,
    username: 'eks-access:new-engineer',
    groups: ['eks-access:edit'],
  },
};

function product(data: Record<string, string>): void {
  const ops = [OP];
  const edited = editAwsAuth(data, ops);
  const verdict = checkAwsAuthChange({
    before: data,
    after: edited.data,
    ops,
    creator: { arn: CREATOR, isKnown: true },
    parsedBefore: edited.parsedBefore,
  });
  if (!edited.changed || !verdict.ok) throw new Error(`the benchmark edit was refused: ${JSON.stringify(verdict)}`);
}

function baseline(mapRoles: string): void {
  const text = dump(load(mapRoles));
  if (text.length === 0) throw new Error('empty dump');
}

function cpuMs(fn: () => void): number {
  const started = process.cpuUsage();
  fn();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

export async function benchAwsAuthCpu(): Promise<boolean> {
  const data = realisticAwsAuth();
  const mapRoles = data['mapRoles'] ?? '';
  for (let i = 0; i < WARM_UP; i++) {
    baseline(mapRoles);
    product(data);
  }
  const baselineMs: number[] = [];
  const productMs: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let base = 0;
    let mine = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      base += cpuMs(() => baseline(mapRoles));
      mine += cpuMs(() => product(data));
    }
    baselineMs.push(base / ITERATIONS);
    productMs.push(mine / ITERATIONS);
    ratios.push(mine / base);
  }
  const ratio = median(ratios);
  const isMet = ratio <= 1.0;
  const result = {
    entries: ENTRIES,
    mapRolesBytes: mapRoles.length,
    rounds: ROUNDS,
    iterationsPerRound: ITERATIONS,
    baselineJsYamlMedianMs: Number(median(baselineMs).toFixed(1)),
    productMedianMs: Number(median(productMs).toFixed(1)),
    ratioMedian: Number(ratio.toFixed(2)),
    ratios: ratios.map((r) => Number(r.toFixed(2))),
  };
  recordResult('awsAuthCpu', result);
  console.log(`\naws-auth write CPU (${ENTRIES} entries, ${Math.round(mapRoles.length / 1024)} KiB mapRoles)`);
  console.log(row('baseline: js-yaml load + dump (median per op)', `${result.baselineJsYamlMedianMs} ms`));
  console.log(row('product: parse + upsert + safety check + render', `${result.productMedianMs} ms`));
  console.log(row('ratio product / baseline (median of rounds)', `${result.ratioMedian}`, '<= 1.0', isMet));
  return isMet;
}
