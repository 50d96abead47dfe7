import { z } from 'zod';

// Slack ids are upper-case letters and digits; anything else is a typo we want to catch at start-up.
const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id such as U0123ABCD');
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

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// Seconds are allowed here (not in chat requests) so short-lived test and demo setups can be expressed.
const durationText = z
  .string()
  .regex(/^\d{1,6}[smhd]$/, 'a duration such as 30m, 8h or 7d')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS]);
const levelDurations = z.object({ default: durationText.optional(), max: durationText.optional() }).strict();

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
    approvers: z.array(slackUserId).min(1, 'at least one approver'),
    requiredApprovals: z.number().int().min(1).max(10).default(1),
    approvalChannel: slackChannelId.optional(),
    /** Per level: `default` when a request names no duration, `max` to cap longer ones. */
    durations: z
      .object({ view: levelDurations, edit: levelDurations, admin: levelDurations, 'cluster-admin': levelDurations })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => c.requiredApprovals <= c.approvers.length, {
    message: 'requiredApprovals cannot exceed the number of approvers',
    path: ['requiredApprovals'],
  });

export const configSchema = z
  .object({
    clusters: z.array(clusterSchema).min(1, 'at least one cluster'),
    users: z.record(slackUserId, iamPrincipalArn).default({}),
    /** `retention`: audit events older than this are trimmed by the reconciler. Absent (the default): kept forever. */
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

export type ClusterConfig = z.infer<typeof clusterSchema>;
export type Config = z.infer<typeof configSchema>;
