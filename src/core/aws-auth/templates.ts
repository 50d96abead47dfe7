import { canonicalCallerArn } from '../identity/canonical.ts';
import type { AwsAuthEntry } from './types.ts';

/**
 * The placeholders the authenticator renders in usernames and groups (AIA server.go `renderTemplate`).
 * `{{SessionNameRaw}}` and `{{AccessKeyID}}` need authenticator 0.5 or later.
 */
export const TEMPLATE_PLACEHOLDERS = [
  'AccountID',
  'SessionName',
  'SessionNameRaw',
  'AccessKeyID',
  'EC2PrivateDNSName',
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

/** The caller as STS names it, plus values only the cluster side knows. */
export type TemplateCaller = {
  /** The STS caller ARN (`aws sts get-caller-identity`). */
  arn: string;
  accessKeyId?: string;
  /** The instance's private DNS name, which the authenticator looks up with ec2:DescribeInstances. */
  ec2PrivateDnsName?: string;
};

export type TemplateProblem =
  /** A `{{…}}` the authenticator does not know; it would stay in the name literally. */
  | { code: 'unknown_placeholder'; placeholder: string }
  /** `{{EC2PrivateDNSName}}` for a session that is not named after an instance: the authenticator refuses (401). */
  | { code: 'ec2_dns_needs_instance_session'; sessionName: string }
  /** `{{SessionName}}`/`{{SessionNameRaw}}` for a caller without a session: it renders as ''. */
  | { code: 'session_name_needs_assumed_role'; principalType: string }
  | { code: 'caller_not_recognized'; reason: string };

export type TemplateCheck = {
  /** Known placeholders used, in order of first use. */
  placeholders: readonly TemplatePlaceholder[];
  problems: readonly TemplateProblem[];
  /** No problems: the authenticator renders a meaningful name for this caller. */
  canRender: boolean;
  /** The authenticator would answer 401 for this caller (today only the EC2 case). */
  isRefused: boolean;
  /** Values the check could not supply (an access key id or instance DNS name that was not given). */
  missing: readonly TemplatePlaceholder[];
  /** The rendered name, when it can render and every value is known. */
  rendered?: string;
};

// The authenticator's instanceIDPattern (server.go); Go's \w is ASCII like JavaScript's.
const INSTANCE_ID = /^i-(\w{8}|\w{17})$/;
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export function checkUsernameTemplate(template: string, caller: TemplateCaller): TemplateCheck {
  const used = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  const placeholders = TEMPLATE_PLACEHOLDERS.filter((p) => used.includes(p));
  const problems: TemplateProblem[] = used
    .filter((name) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name))
    .map((name) => ({ code: 'unknown_placeholder', placeholder: `{{${name}}}` }));
  const identity = canonicalCallerArn(caller.arn);
  if (identity.kind !== 'canonical') {
    problems.push({ code: 'caller_not_recognized', reason: identity.reason });
    return { placeholders, problems, canRender: false, isRefused: true, missing: [] };
  }
  const { sessionName, account, principalType } = identity;
  const isRefused = placeholders.includes('EC2PrivateDNSName') && !INSTANCE_ID.test(sessionName);
  if (isRefused) problems.push({ code: 'ec2_dns_needs_instance_session', sessionName });
  const usesSession = placeholders.includes('SessionName') || placeholders.includes('SessionNameRaw');
  if (usesSession && sessionName === '') problems.push({ code: 'session_name_needs_assumed_role', principalType });
  const missing = placeholders.filter(
    (p) =>
      (p === 'AccessKeyID' && caller.accessKeyId === undefined) ||
      (p === 'EC2PrivateDNSName' && caller.ec2PrivateDnsName === undefined),
  );
  const canRender = problems.length === 0;
  const check = { placeholders, problems, canRender, isRefused, missing };
  if (!canRender || missing.length > 0) return check;
  return { ...check, rendered: render(template, { ...caller, account, sessionName }) };
}

/** Checks the username and every group of an entry: a group that cannot render refuses the whole login. */
export function checkEntryTemplates(entry: AwsAuthEntry, caller: TemplateCaller) {
  return {
    username: checkUsernameTemplate(entry.username, caller),
    groups: entry.groups.map((group) => checkUsernameTemplate(group, caller)),
  };
}

// The authenticator's order of replacement; no value can contain '{{', so the order only matters for fidelity.
function render(template: string, values: TemplateCaller & { account: string; sessionName: string }): string {
  // Replacer functions, so a '$' in a value is never read as a replacement pattern.
  return template
    .replaceAll('{{EC2PrivateDNSName}}', () => values.ec2PrivateDnsName ?? '')
    .replaceAll('{{AccountID}}', () => values.account)
    .replaceAll('{{SessionName}}', () => values.sessionName.replaceAll('@', '-'))
    .replaceAll('{{SessionNameRaw}}', () => values.sessionName)
    .replaceAll('{{AccessKeyID}}', () => values.accessKeyId ?? '');
}
