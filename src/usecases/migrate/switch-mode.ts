import type { AccessRequest } from '../../core/request/request.ts';
import { AdapterError } from '../../shared/errors.ts';
import type { Deps } from '../ports/deps.ts';
import type { AccessEntries } from '../ports/eks.ts';
import { advance } from '../support/request-lifecycle.ts';

/** How long one job waits for a mode update before handing back to the queue (which retries it later). */
export const MODE_UPDATE_WAIT_MS = 60_000;
const POLL_MS = 2_000;

export interface SwitchOptions {
  waitMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * CONFIG_MAP → API_AND_CONFIG_MAP for a request already in `applying`. UpdateClusterConfig is not idempotent
 * (AWS rejects setting the current mode again), so the update id is stored with the request before waiting,
 * and a resumed job only polls DescribeUpdate. Throws a retryable AdapterError while the update is still running.
 */
export async function switchToApiAndConfigMap(
  deps: Deps,
  request: AccessRequest,
  entries: AccessEntries,
  calls: string[],
  options: SwitchOptions = {},
): Promise<AccessRequest> {
  let current = request;
  if (!current.modeUpdate) {
    const { updateId } = await entries.updateAuthenticationMode('API_AND_CONFIG_MAP', `${request.id}-mode`);
    calls.push('eks:UpdateClusterConfig authenticationMode=API_AND_CONFIG_MAP');
    current = await recordUpdate(deps, request, updateId);
    await deps.audit.append({
      type: 'mode_switch',
      at: deps.clock.now(),
      actor: 'eks-access',
      requestId: request.id,
      cluster: request.cluster,
      detail: { from: 'CONFIG_MAP', to: 'API_AND_CONFIG_MAP', updateId },
    });
  }
  const updateId = current.modeUpdate?.id ?? '';
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const deadline = deps.clock.now() + (options.waitMs ?? MODE_UPDATE_WAIT_MS);
  for (;;) {
    const update = await entries.describeUpdate(updateId);
    calls.push(`eks:DescribeUpdate ${updateId}`);
    if (update.status === 'Successful') return current;
    if (update.status === 'Failed' || update.status === 'Cancelled') {
      throw new AdapterError('aws_invalid', false, {
        upstream: `mode update ${update.status}: ${update.errors.join('; ')}`,
      });
    }
    if (deps.clock.now() >= deadline) {
      throw new AdapterError('aws_unavailable', true, { upstream: 'the mode update is still in progress' });
    }
    await sleep(options.pollMs ?? POLL_MS);
  }
}

/**
 * Stores the update id with the request before anything waits on it. A request that ended meanwhile (a transition
 * `advance` cannot make) stops the switch here, as the refusal did before.
 */
async function recordUpdate(deps: Deps, request: AccessRequest, updateId: string): Promise<AccessRequest> {
  const recorded = await advance(deps, request.id, {
    type: 'mode_update_started',
    at: deps.clock.now(),
    update: { id: updateId, to: 'API_AND_CONFIG_MAP' },
  });
  if (recorded.modeUpdate?.id !== updateId) {
    throw new Error(`request ${request.id}: mode update not recorded (${recorded.status})`);
  }
  return recorded;
}
