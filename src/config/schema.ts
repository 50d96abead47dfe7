import { z } from 'zod';
import { LEVELS } from '../core/levels.ts';

// Slack ids are upper-case letters and digits; anything else is a typo we want to catch at start-up.
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id such as U0123ABCD');
// Approvers and break-glass lists also take Slack user-group ids (S…), resolved with usergroups.users.list.
const slackApproverId = z
  .string()
  .regex(/^[UWS][A-Z0-9]{2,20}$/, 'a Slack user id such as U0123ABCD or a user-group id such as S0123ABCD');
const slackChannelId = z.string().regex(/^[CGD][A-Z0-9]{2,20}$/, 'a Slack channel id such as C0123ABCD');
// Cluster names as EKS allows them: letters, digits, hyphens and underscores, starting alphanumeric, ≤ 100.
const clusterName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name (letters, digits, - and _)');
const iamPrincipalArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:(iam::\d{12}:(user|role)\/[\w+=,.@/-]{1,512}|sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{1,64})$/,
    'an IAM user or role ARN such as arn:aws:iam::111122223333:role/platform/alice',
  );

const iamRoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'an IAM role ARN such as arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123abcd',
  );

// STS session names: 2-64 characters of [\w+=,.@-].
const sessionName = z.string().regex(/^[\w+=,.@-]{2,64}$/, 'an STS session name (2-64 of letters, digits, +=,.@_-)');

/** A person who signs in to a role others use too: the grant binds only their session's username. */
const sessionOnRole = z.object({ role: iamRoleArn, session: sessionName }).strict();

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// Seconds are allowed here (not in chat requests) so short-lived test and demo setups can be expressed.
const durationText = z
  .string()
  .regex(/^\d{1,6}[smhd]$/, 'a duration such as 30m, 8h or 7d')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS]);
const levelDurations = z.object({ default: durationText.optional(), max: durationText.optional() }).strict();
const levelName = z.enum(['view', 'edit', 'admin', 'cluster-admin']);
/** `autoApprove: { levels: [view], maxPerPeriod: { count: 5, period: 1d } }`: no person needed for these levels. */
const autoApproveRule = z
  .object({
    levels: z.array(levelName).default([]),
    maxPerPeriod: z
      .object({ count: z.number().int().min(1).max(1000), period: durationText })
      .strict()
      .optional(),
  })
  .strict();
/** Per-level overrides of the cluster's approval rules (`policies.admin.requiredApprovals: 2`, …). */
const levelPolicy = z
  .object({
    approvers: z.array(slackApproverId).min(1, 'at least one approver').optional(),
    requiredApprovals: z.number().int().min(1).max(10).optional(),
    allowSelfApproval: z.boolean().optional(),
    autoApprove: z.boolean().optional(),
  })
  .strict();
/** Who may break glass on this cluster, and for how long at most (default 1h). Nobody unless configured. */
const breakGlassRule = z
  .object({
    allowed: z.array(slackApproverId).min(1, 'at least one person or user group'),
    maxDuration: durationText.default(3_600_000),
  })
  .strict();
/**
 * `requestForOthers: [U…, S…]`: who, besides the cluster's approvers, may ask for access on behalf of someone else.
 * Per cluster, or at the top level as the default for clusters that do not set it.
 */
const requestForOthers = z.array(slackApproverId).optional();
const isUserId = (id: string) => !id.startsWith('S');
/** requiredApprovals can only be checked against a list of people: a user group's size is unknown at start-up. */
const isCountable = (approvers: readonly string[], required: number | undefined) =>
  required === undefined || approvers.some((id) => !isUserId(id)) || required <= approvers.length;

export const clusterSchema = z
  .object({
    name: clusterName,
    aliases: z.array(clusterName).default([]),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1'),
    accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id in quotes'),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'an IAM role ARN')
      .optional(),
    method: z.enum(['access-entries', 'aws-auth', 'auto']).default('access-entries'),
    approvers: z.array(slackApproverId).min(1, 'at least one approver'),
    requiredApprovals: z.number().int().min(1).max(10).default(1),
    approvalChannel: slackChannelId.optional(),
    /** Per level: `default` when a request names no duration, `max` to cap longer ones. */
    durations: z
      .object({ view: levelDurations, edit: levelDurations, admin: levelDurations, 'cluster-admin': levelDurations })
      .partial()
      .strict()
      .optional(),
    /** How long a request may wait for a decision before it lapses (default 24h). */
    pendingTimeout: durationText.optional(),
    /** Levels whose approval needs the approver to retype the cluster name (default: cluster-admin). */
    stepUpLevels: z.array(z.enum(LEVELS)).optional(),
    /** Default false: the requester and the person the grant is for may not approve it. */
    allowSelfApproval: z.boolean().default(false),
    autoApprove: autoApproveRule.optional(),
    breakGlass: breakGlassRule.optional(),
    requestForOthers,
    policies: z
      .object({ view: levelPolicy, edit: levelPolicy, admin: levelPolicy, 'cluster-admin': levelPolicy })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => isCountable(c.approvers, c.requiredApprovals), {
    message: 'requiredApprovals cannot exceed the number of approvers',
    path: ['requiredApprovals'],
  })
  .superRefine((c, ctx) => {
    for (const [level, policy] of Object.entries(c.policies ?? {})) {
      const approvers = policy?.approvers ?? c.approvers;
      if (!isCountable(approvers, policy?.requiredApprovals ?? c.requiredApprovals)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', level, 'requiredApprovals'],
          message: 'requiredApprovals cannot exceed the number of approvers',
        });
      }
    }
  });

const ssoAccountRole = z
  .object({
    accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
    roleArn: iamRoleArn,
    sessionName: z.enum(['email', 'email-local-part']),
  })
  .strict()
  .refine((entry) => entry.roleArn.split(':')[4] === entry.accountId, {
    message: 'roleArn must be in accountId',
    path: ['roleArn'],
  });

const identitySchema = z
  .object({
    sso: z.array(ssoAccountRole).optional(),
    linkTtl: durationText.optional(),
    profileCacheTtl: durationText.optional(),
  })
  .strict()
  .superRefine((identity, ctx) => {
    const seen = new Set<string>();
    (identity.sso ?? []).forEach((entry, index) => {
      if (seen.has(entry.accountId)) {
        ctx.addIssue({ code: 'custom', path: ['sso', index, 'accountId'], message: 'one sso role per account' });
      }
      seen.add(entry.accountId);
    });
  });

export const configSchema = z
  .object({
    clusters: z.array(clusterSchema).min(1, 'at least one cluster'),
    users: z.record(slackUserId, z.union([iamPrincipalArn, sessionOnRole])).default({}),
    identity: identitySchema.optional(),
    requestForOthers,
    /** `retention`: audit events older than this are trimmed by the reconciler. Absent: 400 days (DEFAULT_AUDIT_RETENTION_MS). */
    audit: z.object({ retention: durationText.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.clusters.forEach((cluster, index) => {
      for (const name of [cluster.name, ...cluster.aliases]) {
        const key = name.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined && first !== index) {
          ctx.addIssue({
            code: 'custom',
            path: ['clusters', index, 'aliases'],
            message: `"${name}" already names clusters[${first}]`,
          });
        }
        seen.set(key, index);
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
