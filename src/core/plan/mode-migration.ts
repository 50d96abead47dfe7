import type { AuthenticationMode } from '../diagnose/evidence.ts';

/**
 * Authentication modes only move forward, one step at a time: CONFIG_MAP → API_AND_CONFIG_MAP → API.
 * AWS rejects skipping a step and rejects setting the current mode again, so this returns the one allowed
 * next step for the migration eks-access offers, or why there is none.
 * https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html#set-cam
 */
export type ModeStep =
  | { kind: 'switch'; from: 'CONFIG_MAP'; to: 'API_AND_CONFIG_MAP' }
  | { kind: 'already'; mode: AuthenticationMode };

export function migrationStep(current: AuthenticationMode | undefined): ModeStep {
  const mode = current ?? 'CONFIG_MAP';
  // eks-access never proposes API: that step drops aws-auth entirely and needs every principal migrated first.
  return mode === 'CONFIG_MAP'
    ? { kind: 'switch', from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP' }
    : { kind: 'already', mode };
}
