/**
 * `npm run bench -- scale` (issue 21, "Cost as the work grows"): curves, not one point. The reconciler cycle for
 * 1, 10 and 50 access-entry clusters × 100, 1,000 and 3,000 active grants (AWS calls, worker CPU, Redis memory;
 * scale-cycles.ts), the Redis memory of history and a year's sizing (scale-memory.ts), and the App Home for a
 * person with 1, 50 and 500 grants (scale-home.ts). Each curve is drawn into bench/*.svg by the benchmark.
 * Smaller sizes by environment: BENCH_SCALE_CLUSTERS, BENCH_SCALE_GRANTS, BENCH_SCALE_HOME (comma lists),
 * BENCH_SCALE_CYCLES.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordResult, row } from './lib.ts';
import { type CycleCell, measureCycles } from './scale-cycles.ts';
import { type HomeCell, measureHome } from './scale-home.ts';
import { type HistoryResult, measureHistory } from './scale-memory.ts';
import { lineChart } from './svg-chart.ts';

export interface ScaleOptions {
  clusters: readonly number[];
  grants: readonly number[];
  /** Cluster counts measured again as aws-auth clusters, up to awsAuthMaxGrants grants (see scale-cycles.ts). */
  awsAuthClusters: readonly number[];
  awsAuthMaxGrants: number;
  cycles: number;
  homeGrants: readonly number[];
  homeRepeats: number;
  historyRequests: number;
  /** Where the SVG curves go (bench/ for the real run; a temporary directory for the smoke test). */
  chartDir: string;
}

const list = (name: string, fallback: number[]) =>
  process.env[name]?.split(',').map(Number).filter(Number.isFinite) ?? fallback;

export const SCALE_FULL: ScaleOptions = {
  clusters: list('BENCH_SCALE_CLUSTERS', [1, 10, 50]),
  grants: list('BENCH_SCALE_GRANTS', [100, 1_000, 3_000]),
  awsAuthClusters: list('BENCH_SCALE_AWS_AUTH_CLUSTERS', [1, 10]),
  awsAuthMaxGrants: 1_000,
  cycles: Number(process.env['BENCH_SCALE_CYCLES'] ?? 4),
  homeGrants: list('BENCH_SCALE_HOME', [1, 50, 500]),
  homeRepeats: 30,
  historyRequests: 2_000,
  chartDir: import.meta.dirname,
};

/**
 * The reconciler's default interval: EKS_ACCESS_RECONCILE_MS, 60,000 ms (src/config/env.ts).
 * The EKS budget: AWS publishes no request rate for the EKS control-plane API (no per-API TPS in the EKS quotas
 * page or the API reference; /work/shared/design/platform-limits.md, "EKS API"), only that it throttles with
 * ThrottlingException / TooManyRequestsException. So this is an ASSUMPTION, not a documented figure: 10 requests
 * a second sustained per account and Region, for all of the bot's EKS reads together, chosen below the lowest
 * published sustained rate of a comparable AWS container control plane (ECS throttles per account and Region with
 * a token bucket and documents its rates; EKS does not).
 */
export const DEFAULT_RECONCILE_MS = 60_000;
export const ASSUMED_EKS_REQUESTS_PER_SECOND = 10;
/** ListAccessEntries returns at most 100 entries a page (EKS API reference, maxResults 1–100, default 100). */
export const LIST_PAGE = 100;

export interface ScaleResult {
  cells: CycleCell[];
  history: HistoryResult;
  home: HomeCell[];
  eksBudget: { assumedRequestsPerSecond: number; reconcileEveryMs: number; callsPerCycleAllowed: number };
  verdicts: {
    /** The cycles measured found nothing drifted and failed on nothing: what was measured is the steady state. */
    steadyState: boolean;
    /** No DescribeAccessEntry / ListAssociatedAccessPolicies per grant in a steady-state cycle. */
    noPerGrantDescribe: boolean;
    /** Calls per cycle within two list passes of the clusters' pages (one unfiltered, one by policy). */
    callsWithinListPages: boolean;
    largestCellUnderEksBudget: boolean;
    yearFitsReadme: boolean;
  };
}

export async function measureScale(options: ScaleOptions): Promise<ScaleResult> {
  const cells = await measureCycles(options);
  const history = await measureHistory({ requests: options.historyRequests });
  const home = await measureHome({ grants: options.homeGrants, repeats: options.homeRepeats });
  const callsPerCycleAllowed = (ASSUMED_EKS_REQUESTS_PER_SECOND * DEFAULT_RECONCILE_MS) / 1000;
  const largest = largestCell(cells);
  // The EKS targets are about access-entry clusters; an aws-auth cluster's grants are read from its ConfigMap.
  const entryCells = cells.filter((c) => c.method === 'access-entries');
  const verdicts = {
    steadyState: cells.every((c) => c.driftedOrFailed === 0),
    noPerGrantDescribe: entryCells.every(
      (c) => (c.callsByOp['DescribeAccessEntry'] ?? 0) + (c.callsByOp['ListAssociatedAccessPolicies'] ?? 0) === 0,
    ),
    callsWithinListPages: entryCells.every((c) => c.awsCallsPerCycle <= 2 * listPages(c)),
    largestCellUnderEksBudget: (largest?.awsCallsPerCycle ?? 0) <= callsPerCycleAllowed,
    yearFitsReadme: history.year.totalMb <= history.year.readmeMaxmemoryMb,
  };
  drawCharts(options.chartDir, cells, home, callsPerCycleAllowed);
  return {
    cells,
    history,
    home,
    eksBudget: {
      assumedRequestsPerSecond: ASSUMED_EKS_REQUESTS_PER_SECOND,
      reconcileEveryMs: DEFAULT_RECONCILE_MS,
      callsPerCycleAllowed,
    },
    verdicts,
  };
}

/** The access-entry cell with the most clusters, then the most grants: 50 × 3,000 at full size. */
function largestCell(cells: readonly CycleCell[]): CycleCell | undefined {
  return cells
    .filter((c) => c.method === 'access-entries')
    .reduce<CycleCell | undefined>(
      (big, c) =>
        !big || c.clusters > big.clusters || (c.clusters === big.clusters && c.grants > big.grants) ? c : big,
      undefined,
    );
}

/** ListAccessEntries pages for a cell: each cluster holds its share of the grants, 100 entries a page. */
export function listPages(cell: Pick<CycleCell, 'clusters' | 'grants'>): number {
  let pages = 0;
  for (let i = 0; i < cell.clusters; i++) {
    const entries = Math.floor(cell.grants / cell.clusters) + (i < cell.grants % cell.clusters ? 1 : 0);
    pages += Math.max(1, Math.ceil(entries / LIST_PAGE));
  }
  return pages;
}

function drawCharts(dir: string, cells: CycleCell[], home: HomeCell[], callsAllowed: number): void {
  const runs = [...new Set(cells.map((c) => `${c.method}/${c.clusters}`))];
  const byClusters = (pick: (c: CycleCell) => number) =>
    runs.map((run) => {
      const mine = cells.filter((c) => `${c.method}/${c.clusters}` === run);
      const n = mine[0]?.clusters ?? 0;
      const kind = mine[0]?.method === 'aws-auth' ? ' aws-auth' : '';
      return {
        name: `${n}${kind} cluster${n === 1 ? '' : 's'}`,
        points: mine.map((c) => [c.grants, pick(c)] as const),
      };
    });
  const write = (file: string, svg: string) => writeFileSync(join(dir, file), svg);
  const maxCalls = Math.max(...cells.map((c) => c.awsCallsPerCycle + c.kubernetesCallsPerCycle));
  write(
    'scale-calls.svg',
    lineChart({
      title: `AWS + Kubernetes calls per reconciler cycle (assumed EKS budget ${callsAllowed})`,
      xLabel: 'active grants',
      yLabel: 'calls per cycle',
      xLog: true,
      series: byClusters((c) => c.awsCallsPerCycle + c.kubernetesCallsPerCycle),
      // Drawn only when it is near the curves: far above them it would flatten their shape into the x axis.
      ...(maxCalls * 3 >= callsAllowed
        ? { limit: { y: callsAllowed, label: `assumed EKS budget: ${callsAllowed} per 60 s cycle` } }
        : {}),
    }),
  );
  // A cycle may check only part of the active grants: what checking every one of them once costs.
  write(
    'scale-full-pass.svg',
    lineChart({
      title: 'Calls to check every active grant once',
      xLabel: 'active grants',
      yLabel: 'AWS + Kubernetes calls per full drift pass',
      xLog: true,
      series: byClusters((c) => Math.round((c.awsCallsPerCycle + c.kubernetesCallsPerCycle) * c.cyclesPerFullPass)),
    }),
  );
  write(
    'scale-cpu.svg',
    lineChart({
      title: 'Worker CPU per reconciler cycle',
      xLabel: 'active grants',
      yLabel: 'CPU ms per cycle',
      xLog: true,
      series: byClusters((c) => c.workerCpuMsPerCycle),
    }),
  );
  write(
    'scale-redis.svg',
    lineChart({
      title: 'Redis memory for the active grants',
      xLabel: 'active grants',
      yLabel: 'MB (INFO used_memory delta)',
      xLog: true,
      series: byClusters((c) => Number((c.redisBytes / 1024 / 1024).toFixed(2))),
    }),
  );
  write(
    'home-render.svg',
    lineChart({
      title: 'App Home for one person',
      xLabel: "the person's active grants",
      yLabel: 'ms (median, warm)',
      xLog: true,
      series: [
        { name: 'publishHome', points: home.map((h) => [h.grants, h.publishMs] as const) },
        { name: 'build + render', points: home.map((h) => [h.grants, h.renderMs] as const) },
      ],
    }),
  );
}

export async function benchScale(): Promise<boolean> {
  const result = await measureScale(SCALE_FULL);
  recordResult('scale', { ...result });
  const { eksBudget, history, verdicts } = result;
  console.log(
    '\nScale: reconciler cycle against the fakes, zero latency (access-entry clusters, then aws-auth clusters)',
  );
  console.log(
    `${'clusters × grants'.padEnd(27)} ${'AWS calls/cycle'.padStart(15)} ${'k8s'.padStart(5)} ${'checked/cycle'.padStart(13)} ${'full pass'.padStart(10)} ${'CPU ms/cycle'.padStart(12)} ${'Redis MB'.padStart(9)} ${'B/grant'.padStart(8)}  calls by operation`,
  );
  for (const c of result.cells) {
    const ops = Object.entries(c.callsByOp)
      .map(([op, n]) => `${op} ${n}`)
      .join(', ');
    console.log(
      `${`${c.clusters}${c.method === 'aws-auth' ? ' aws-auth' : ''} × ${c.grants}`.padEnd(27)} ${String(c.awsCallsPerCycle).padStart(15)} ${String(c.kubernetesCallsPerCycle).padStart(5)} ${String(c.checkedPerCycle).padStart(13)} ${`${c.cyclesPerFullPass} cyc`.padStart(10)} ${String(c.workerCpuMsPerCycle).padStart(12)} ${(c.redisBytes / 1024 / 1024).toFixed(2).padStart(9)} ${String(c.redisBytesPerGrant).padStart(8)}  ${ops}`,
    );
  }
  console.log(
    row(
      'cycles found nothing drifted or failed',
      verdicts.steadyState ? 'yes' : 'no',
      'steady state',
      verdicts.steadyState,
    ),
  );
  console.log(
    row(
      'no per-grant describe in the steady state',
      verdicts.noPerGrantDescribe ? 'none' : 'some',
      '0',
      verdicts.noPerGrantDescribe,
    ),
  );
  console.log(
    row(
      'calls per cycle within 2 × ListAccessEntries pages',
      verdicts.callsWithinListPages ? 'yes' : 'no',
      'every cell',
      verdicts.callsWithinListPages,
    ),
  );
  const largest = largestCell(result.cells);
  console.log(
    row(
      `largest cell, calls per ${eksBudget.reconcileEveryMs / 1000} s cycle (assumed ${eksBudget.assumedRequestsPerSecond}/s)`,
      `${largest?.clusters} × ${largest?.grants}: ${largest?.awsCallsPerCycle ?? 0} calls`,
      `<= ${eksBudget.callsPerCycleAllowed}`,
      verdicts.largestCellUnderEksBudget,
    ),
  );
  console.log(row('Redis per stored (finished) request', `${history.bytesPerStoredRequest} B`));
  console.log(
    row(`Redis per audit event (${history.auditEventsPerRequest} a request)`, `${history.bytesPerAuditEvent} B`),
  );
  console.log(
    row(
      `a year at ${history.year.requestsPerDay}/day, ${history.year.retentionDays}-day audit retention`,
      `${history.year.totalMb} MB`,
      `<= ${history.year.readmeMaxmemoryMb} MB`,
      verdicts.yearFitsReadme,
    ),
  );
  for (const h of result.home) {
    console.log(row(`App Home, ${h.grants} grant(s): publishHome / build+render`, `${h.publishMs} / ${h.renderMs} ms`));
  }
  return Object.values(verdicts).every(Boolean);
}
