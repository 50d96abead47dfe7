import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { caged, manifestMemoryLimitMb } from '../../../bench/memory-limit.ts';

describe('the benchmark memory cage', () => {
  it('takes its limit from the worker Deployment (512Mi there)', () => {
    expect(manifestMemoryLimitMb()).toBe(512);
  });

  it('joins the cgroup before running the command, keeping every argument as given', () => {
    const [command, argv] = caged({ procsFile: '/dev/null', limitMb: 1, remove: () => {} }, 'echo', [
      'a b',
      "it's",
      '$HOME',
    ]);
    expect(command).toBe('/bin/sh');
    expect(execFileSync(command, argv, { encoding: 'utf8' })).toBe("a b it's $HOME\n");
  });
});
