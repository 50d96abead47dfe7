/**
 * Top frames of a V8 CPU profile (`--cpu-prof`, e.g. from BENCH_CPU_PROF=<dir>), as Markdown tables: self and
 * inclusive time per function, and self time per package (which library, or our own src/, the time is spent in).
 * Inclusive time counts a sample once per function however deep the recursion, so it reads as "share of samples
 * with this function on the stack".
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [topN=25] [--windows <windows.json>]
 *
 * --windows takes the file the pipeline benchmark writes next to the profiles (pipeline-windows.json): only the
 * samples taken while a round was running count, not the bot's start-up (module loading) or the gaps between rounds.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

/**
 * Which client library a busy sample works for: the innermost frame on its stack from one of these (the socket
 * writes under an ioredis call count as Redis, the signing under an SDK call as AWS). Samples with none of them on
 * the stack are node's own work outside any of them (HTTP parsing, timers, socket reads before a callback).
 */
const LIBRARIES: readonly [string, string][] = [
  ['/node_modules/ioredis/', 'Redis (ioredis, BullMQ)'],
  ['/node_modules/bullmq/', 'Redis (ioredis, BullMQ)'],
  ['/node_modules/@smithy/', 'AWS SDK'],
  ['/node_modules/@aws-sdk/', 'AWS SDK'],
  ['/node_modules/@slack/web-api/', 'Slack Web API client'],
  ['/node_modules/@slack/bolt/', 'Bolt (inbound events)'],
  ['/node_modules/prom-client/', 'metrics'],
  ['/node_modules/pino', 'logger'],
  ['/src/', 'eks-access src/ (own code)'],
];

/** A short, stable name for where a frame lives: the npm package, our source path, or node's own modules. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node:internal';
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1).replace(/\/[^/]+$/, '/');
  return url.replace(/^file:\/\//, '');
}

function frameName(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(src|bench|sandbox)\//, '$1/');
  return `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
}

/** Monotonic µs ranges (the profile's clock); samples outside every range are left out. */
export interface Window {
  startUs: number;
  endUs: number;
}

export function summarize(profile: CpuProfile, top = 25, windows: readonly Window[] = []): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  const libraries = new Map<string, number>();
  let total = 0;
  let busy = 0;
  let at = profile.startTime;
  const inWindow = (t: number) => windows.length === 0 || windows.some((w) => t >= w.startUs && t <= w.endUs);
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    const node = byId.get(id);
    if (!node || !inWindow(at)) return;
    total += us;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + us);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    if (IDLE.has(node.callFrame.functionName)) return;
    busy += us;
    const seen = new Set<string>();
    let library: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      seen.add(frameName(frame));
      library ??= LIBRARIES.find(([part]) => frame.url.includes(part))?.[1];
    }
    const lib = library ?? 'node internals outside these';
    libraries.set(lib, (libraries.get(lib) ?? 0) + us);
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  });
  const ms = (us: number) => (us / 1000).toFixed(0);
  const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)} %`;
  const table = (title: string, rows: Map<string, number>, of: number, n: number) =>
    [
      `| ${title} | ms | share |`,
      '|---|---:|---:|',
      ...[...rows]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, us]) => `| \`${name.replaceAll('|', '\\|')}\` | ${ms(us)} | ${pct(us, of)} |`),
    ].join('\n');
  return [
    `Sampled ${ms(total)} ms, of which ${ms(busy)} ms busy (not idle, program or GC: ${pct(busy, total)}).`,
    '',
    '### Busy time by the client library it works for (share of busy samples)',
    table('library (innermost on the stack)', libraries, busy, top),
    '',
    '### Self time by package (share of all samples)',
    table('package', packages, total, top),
    '',
    '### Self time by function (share of all samples)',
    table('function', self, total, top),
    '',
    '### Inclusive time by function (share of busy samples)',
    table('function', inclusive, busy, top),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = args.indexOf('--windows');
  const windowsFile = flag >= 0 ? args.splice(flag, 2)[1] : undefined;
  const [file, topN] = args;
  if (!file) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [topN] [--windows <windows.json>]');
    process.exit(2);
  }
  const windows = windowsFile ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Window[]) : [];
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(summarize(profile, Number(topN ?? 25), windows));
}
