/**
 * Runs a benchmark's child process under a memory limit, as the Kubernetes manifests run the bot: Node sizes V8's
 * heap from the limit of its cgroup (libuv's constrained memory), so an RSS measured without one reflects a 4 GB
 * heap on a large machine rather than what a pod does. Needs root and a cgroup memory controller (v2 or v1);
 * without them the caller is told and the process runs unlimited.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface MemoryCage {
  /** The cgroup's procs file: a shell writes its own pid there, then execs Node (same pid, so RSS reads still work). */
  procsFile: string;
  limitMb: number;
  remove(): void;
}

/** The memory limit of the worker Deployment in deploy/kubernetes/base, in MiB (its one source of truth). */
export function manifestMemoryLimitMb(): number {
  const file = resolve(import.meta.dirname, '../deploy/kubernetes/base/deployment-worker.yaml');
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const text = String(
      doc.getIn(['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory']) ?? '',
    );
    const mi = /^(\d+)Mi$/.exec(text)?.[1];
    if (mi) return Number(mi);
  }
  throw new Error(`no memory limit in Mi found in ${file}`);
}

/** A fresh cgroup limited to `limitMb`, or the reason none could be made. */
export function makeMemoryCage(limitMb: number): MemoryCage | { unavailable: string } {
  const name = `eks-access-bench-${process.pid}-${Date.now()}`;
  const bytes = String(limitMb * 1024 * 1024);
  try {
    const v2 = '/sys/fs/cgroup';
    if (
      existsSync(join(v2, 'cgroup.controllers')) &&
      readFileSync(join(v2, 'cgroup.controllers'), 'utf8').includes('memory')
    ) {
      return cage(join(v2, name), 'memory.max', bytes, limitMb);
    }
    const v1 = '/sys/fs/cgroup/memory';
    if (existsSync(join(v1, 'memory.limit_in_bytes')))
      return cage(join(v1, name), 'memory.limit_in_bytes', bytes, limitMb);
    return { unavailable: 'no cgroup memory controller' };
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}

function cage(dir: string, limitFile: string, bytes: string, limitMb: number): MemoryCage {
  mkdirSync(dir);
  writeFileSync(join(dir, limitFile), bytes);
  return {
    procsFile: join(dir, 'cgroup.procs'),
    limitMb,
    remove() {
      try {
        rmdirSync(dir);
      } catch {
        // Still holds a process that has not been reaped yet; an empty cgroup left behind costs nothing.
      }
    },
  };
}

/** `command args…` wrapped so the process joins the cage before Node starts. */
export function caged(cageToUse: MemoryCage, command: string, args: readonly string[]): [string, string[]] {
  return ['/bin/sh', ['-c', `echo $$ > '${cageToUse.procsFile}' && exec "$0" "$@"`, command, ...args]];
}
