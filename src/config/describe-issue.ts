import type { z } from 'zod';
import { closestName } from '../core/intent/suggest.ts';

/** What to write for a key that is missing, by key name: an operator fixes a file faster from an example. */
const MISSING_HINTS: Readonly<Record<string, string>> = {
  clusters: 'list the clusters eks-access manages, e.g. clusters: [{ name: prod-cluster, region: eu-west-1, … }]',
  name: 'the EKS cluster name, e.g. name: prod-cluster',
  region: 'the cluster’s AWS region, e.g. region: eu-west-1',
  accountId: 'the 12-digit AWS account id, quoted, e.g. accountId: "111122223333"',
  approvers: 'list the Slack user IDs (U…) or user-group IDs (S…) who may approve, e.g. approvers: [U0123ABCD]',
  allowed: 'list the Slack user IDs (U…) or user-group IDs (S…) who may break glass, e.g. allowed: [U0123ABCD]',
};

/**
 * One sentence per problem, naming the key path and what to write. Zod's own wording ("expected array, received
 * undefined") tells a programmer what failed; this tells an operator what to type. `raw` is the parsed YAML, read
 * to see what was actually written at the path.
 */
export function describeConfigIssue(issue: z.core.$ZodIssue, raw: unknown, schema: z.ZodType): string {
  const path = issue.path.length === 0 ? '(top level)' : formatPath(issue.path);
  const written = valueAt(raw, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(schema, issue.path);
    return issue.keys
      .map((key) => {
        const closest = closestName(key, known);
        const where = issue.path.length === 0 ? key : `${path}.${key}`;
        return closest
          ? `${where} is not a known key: did you mean ${closest}?`
          : `${where} is not a known key (known here: ${known.join(', ')})`;
      })
      .join('\n  - ');
  }
  if (issue.code === 'invalid_type') {
    const key = String(issue.path.at(-1) ?? '');
    if (written === undefined)
      return `${path} is missing: ${MISSING_HINTS[key] ?? `expected ${article(issue.expected)}`}`;
    if (written === null)
      return `${path} is empty: expected ${article(issue.expected)} (remove the line or fill it in)`;
    if (issue.expected === 'string' && typeof written === 'number') {
      return `${path} must be quoted, or YAML reads it as a number (leading zeros are lost): ${key}: "${String(written)}"`;
    }
    return `${path}: expected ${article(issue.expected)}, but the file has ${describeValue(written)}`;
  }
  return `${path}: ${issue.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function article(expected: string): string {
  const noun = expected === 'record' || expected === 'object' ? 'mapping' : expected === 'array' ? 'list' : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** The keys an object schema at `path` accepts, looking through optional, default, pipe, array and record wrappers. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  const steps = [...path];
  for (let guard = 0; guard < 64; guard++) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    const type = def['type'];
    if (type === 'object') {
      const shape = def['shape'] as Record<string, unknown>;
      const next = steps.shift();
      if (next === undefined) return Object.keys(shape);
      current = shape[String(next)];
    } else if (type === 'array') {
      steps.shift();
      current = def['element'];
    } else if (type === 'record') {
      steps.shift();
      current = def['valueType'];
    } else if (type === 'pipe') {
      current = def['in'];
    } else if ('innerType' in def) {
      current = def['innerType'];
    } else {
      return [];
    }
  }
  return [];
}
