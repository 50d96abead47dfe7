import type { AskFacts } from '../diagnose/evidence.ts';
import { isValidNamespace } from './namespaces.ts';

/** What a diagnose message says about how the person calls the cluster: a namespace, impersonation flags. */
export function askFactsFrom(text: string): AskFacts {
  const namespace = /(?:\bin (?:the )?namespace|\s-n|--namespace[= ])\s*([a-z0-9][a-z0-9-]{0,62})/i
    .exec(text)?.[1]
    ?.toLowerCase();
  const isImpersonating = /--as(?:-group|-uid)?[= ]/.test(text);
  return {
    ...(namespace && isValidNamespace(namespace) ? { namespace } : {}),
    ...(isImpersonating ? { isImpersonating } : {}),
  };
}
