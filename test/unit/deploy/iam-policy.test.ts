import { describe, expect, it } from 'vitest';
import { readRepoFile, sourceFiles } from '../../support/source-scan.ts';

/** `@aws-sdk/client-<package>` → the IAM service prefix of its actions. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  eks: 'eks',
  sts: 'sts',
  iam: 'iam',
  cloudtrail: 'cloudtrail',
};

/**
 * Where a command and its IAM action differ (Service Authorization Reference):
 * - GetCallerIdentity needs no permission ("No permissions are required to perform this operation").
 * - CreateAccessEntry is called with `tags`, and tagging on create needs eks:TagResource as well.
 */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);
const ALSO_NEEDED: Readonly<Record<string, readonly string[]>> = { 'eks:CreateAccessEntry': ['eks:TagResource'] };

/** Each `new XxxCommand(` in src/adapters, as `service:Xxx`, resolved through the file's `@aws-sdk/client-*` import. */
function actionsTheCodeCalls(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { path, text } of sourceFiles('src/adapters')) {
    const importedFrom = new Map<string, string>();
    for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
      for (const name of String(match[1]).split(',')) {
        importedFrom.set(name.trim().split(/\s+as\s+/)[0] ?? '', String(match[2]));
      }
    }
    for (const match of text.matchAll(/new\s+([A-Z][A-Za-z]+)Command\(/g)) {
      const pkg = importedFrom.get(`${match[1]}Command`);
      if (!pkg) throw new Error(`${path}: ${match[1]}Command is not imported from an @aws-sdk/client-* package`);
      const prefix = SERVICE_PREFIX[pkg];
      if (!prefix) throw new Error(`${path}: add @aws-sdk/client-${pkg} to SERVICE_PREFIX`);
      found.set(`${prefix}:${match[1]}`, path);
    }
  }
  return found;
}

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const policy = JSON.parse(readRepoFile('docs/iam-policy.json')) as { Version: string; Statement: Statement[] };
const allowed = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('docs/iam-policy.json', () => {
  const called = actionsTheCodeCalls();
  const needed = new Set(
    [...called.keys()].filter((a) => !NEEDS_NO_PERMISSION.has(a)).flatMap((a) => [a, ...(ALSO_NEEDED[a] ?? [])]),
  );

  it('finds the SDK commands the adapters are known to send (the scan works)', () => {
    expect([...called.keys()]).toEqual(
      expect.arrayContaining(['eks:CreateAccessEntry', 'sts:AssumeRole', 'iam:GetRole', 'cloudtrail:LookupEvents']),
    );
  });

  it.each([...actionsTheCodeCalls()].filter(([a]) => !NEEDS_NO_PERMISSION.has(a)))(
    'allows %s (sent in %s)',
    (action) => {
      expect(allowed).toContain(action);
    },
  );

  it('allows nothing the code does not call', () => {
    expect(allowed.filter((action) => !needed.has(action))).toEqual([]);
  });

  it('includes eks:ListAccessEntries (diagnostics list entries to spot another spelling)', () => {
    expect(allowed).toContain('eks:ListAccessEntries');
  });

  it('uses only Allow statements without wildcard actions, each named', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(JSON.stringify(statement.Action)).not.toContain('*');
    }
  });

  it('lists each action once', () => {
    expect(new Set(allowed).size).toBe(allowed.length);
  });
});

describe('docs/iam-policy.json in every partition', () => {
  it('names no partition, so China, GovCloud and ISO operators fill in their own', () => {
    const resources = policy.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    const arns = resources.filter((r) => r !== '*');
    expect(arns.length).toBeGreaterThan(3);
    expect(arns.filter((arn) => !arn.startsWith('arn:PARTITION:'))).toEqual([]);
  });
});
