import { ACTIONS, type Message } from './message.ts';
import { cluster, code, foreignCode, icon, join, oneLine, rich } from './rich.ts';

/** Slack allows 25 elements in one actions block; more clusters than that are listed as text instead. */
const MAX_CLUSTER_BUTTONS = 25;

/** "Which cluster?" with one Diagnose button per cluster. */
export function whichClusterPrompt(clusters: readonly string[]): Message {
  const text = 'Which cluster are you locked out of? Pick one and I will check it for your AWS identity.';
  if (clusters.length > MAX_CLUSTER_BUTTONS) {
    const list = join(clusters.map(cluster), ', ');
    return {
      text,
      parts: [
        { kind: 'text', text: rich`${text}\nSay ${code('why am I unauthorized on <cluster>')} with one of: ${list}` },
      ],
    };
  }
  return {
    text,
    parts: [
      { kind: 'text', text },
      { kind: 'buttons', buttons: clusters.map((name) => ({ action: ACTIONS.diagnose, label: name, value: name })) },
    ],
  };
}

export function checkingMessage(name: string, identity: string): Message {
  const text = rich`${icon('checking')} Checking ${cluster(name)} for ${foreignCode(oneLine(identity, 200))}…`;
  return { text, parts: [{ kind: 'text', text }] };
}

export function noIdentityMessage(): Message {
  const text = rich`I don't know which AWS identity you use: you are not mapped in eks-access's config. Paste the output of ${code('aws sts get-caller-identity')} in your message and I will check that identity.`;
  return { text, parts: [{ kind: 'text', text }] };
}

export function notCallerIdentityMessage(reason: string): Message {
  const text = rich`I could not use what you pasted: ${reason}. Paste the output of ${code('aws sts get-caller-identity')} as it is, or just an ARN.`;
  return { text, parts: [{ kind: 'text', text }] };
}
