import { EnvError, type Role } from './config/env.ts';
import { ConfigError } from './config/load.ts';
import { isHelpFlag, packageVersion, unknownWordHint } from './runtime/cli-words.ts';
import { run } from './runtime/run.ts';
import { StartupError } from './runtime/startup-error.ts';

const USAGE = `eks-access: time-bound, approved access to Amazon EKS from Slack

Usage:
  eks-access start     Slack front end and workers in one process (default); without REDIS_URL it also runs a
                       private redis-server (data in ./.eks-access/redis)
  eks-access web       only the Slack front end (POST /slack/events, or Socket Mode with SLACK_APP_TOKEN)
  eks-access worker    only the workers (scale out: any number share one Redis)
  eks-access demo      the whole bot on loopback fakes with a terminal chat: no Slack app, no AWS account
  eks-access doctor --cluster NAME [--arn ARN] [--role-arn ARN] [--namespace NS] [--json]
                       explain why an identity is unauthorized, in the terminal (see doctor --help)
  eks-access aws-auth history --cluster NAME
  eks-access aws-auth restore --cluster NAME --version N
                       list or restore earlier versions of a cluster's aws-auth
  eks-access audit [--cluster NAME] [--since 7d] [--format jsonl|csv]
                       export the audit trail (see audit --help)
  eks-access config check [--file FILE] [--online]
                       validate a config file; --online: each cluster reachable, DescribeCluster allowed

Every long-running role serves GET /healthz, /readyz and /metrics (Prometheus) on PORT (a worker-only process on EKS_ACCESS_WORKER_PORT).

Examples:
  npm run demo
  SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… eks-access start
  SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… eks-access start       # Socket Mode, no public URL
  REDIS_URL=redis://redis:6379 eks-access web      # and, elsewhere, REDIS_URL=… eks-access worker
  eks-access doctor --cluster prod-cluster --arn arn:aws:iam::111122223333:role/platform/bob-admin
  eks-access config check --file eks-access.yaml --online

Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP mode), SLACK_APP_TOKEN (Socket Mode), REDIS_URL
(or REDIS_SENTINELS + REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES), EKS_ACCESS_CONFIG (default ./eks-access.yaml), PORT (default 3000), LOG_LEVEL, SLACK_API_URL, and the AWS SDK's
usual variables. See README.md and docs/operations.md.`;

/** What each long-running role does, for `eks-access web --help`: asking for help must never start anything. */
const ROLE_USAGE: Readonly<Record<Role, string>> = {
  start: `Usage: eks-access start

Runs the Slack front end and the workers in one process. Without REDIS_URL it also runs a private redis-server
(data in ./.eks-access/redis). Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket
Mode), and the config file EKS_ACCESS_CONFIG (default ./eks-access.yaml).`,
  web: `Usage: eks-access web

Only the Slack front end: POST /slack/events on PORT (default 3000), or Socket Mode when SLACK_APP_TOKEN is set.
It persists and enqueues what Slack sends, then acknowledges; workers do the rest. Needs REDIS_URL.`,
  worker: `Usage: eks-access worker

Only the workers: grants, revokes, expiry, reminders and the reconciler. Any number share one Redis (REDIS_URL).
Needs SLACK_BOT_TOKEN and the config file; never the signing secret or the app token.`,
};

const ROLES: readonly Role[] = ['start', 'web', 'worker'];
/** One-shot commands: they run, print and exit with their own code. Loaded on use, so `web` stays small. */
const TOOLS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  'aws-auth': async (argv) => (await import('./runtime/aws-auth-cli.ts')).runAwsAuthCli(argv),
  audit: async (argv) => (await import('./runtime/audit-cli.ts')).runAuditCli(argv),
  config: async (argv) => (await import('./runtime/config-check.ts')).runConfigCheck(argv),
  demo: async (argv) => (await loadDemo()).runDemo(argv),
  doctor: async (argv) => (await import('./runtime/doctor.ts')).runDoctor(argv),
};

/** The demo and its fakes live in sandbox/, which a source checkout has and the production image leaves out. */
async function loadDemo(): Promise<typeof import('../sandbox/demo/run-demo.ts')> {
  try {
    return await import('../sandbox/demo/run-demo.ts');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('the demo is not part of the production image: run `npm run demo` in a source checkout');
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const command = argv[0] ?? 'start';
  if (isHelpFlag(command)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`eks-access ${packageVersion()} (Node ${process.versions.node})\n`);
    return 0;
  }
  const tool = TOOLS[command];
  if (tool) {
    try {
      return await tool(argv.slice(1));
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        return 64;
      }
      throw error;
    }
  }
  if (!(ROLES as readonly string[]).includes(command)) {
    const hint = unknownWordHint(command, [...ROLES, ...Object.keys(TOOLS), '--help', '--version']);
    process.stderr.write(`Unknown command "${command}".${hint}\n\n${USAGE}\n`);
    return 2;
  }
  if (argv.slice(1).some(isHelpFlag)) {
    process.stdout.write(`${ROLE_USAGE[command as Role]}\n`);
    return 0;
  }
  try {
    await run(command as Role);
    return -1;
  } catch (error) {
    if (error instanceof EnvError || error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const code = await main(process.argv.slice(2));
// -1: a long-running role started; it exits through the shutdown handler.
if (code >= 0) process.exit(code);
