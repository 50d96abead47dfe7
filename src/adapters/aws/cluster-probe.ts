import { connect } from 'node:tls';
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { ClusterSettings } from '../../core/settings.ts';
import { toAdapterError } from '../../shared/errors.ts';
import type { ClusterClients } from './aws-clients.ts';

export type ClusterProbe =
  | { ok: true; status: string; authenticationMode: string; endpoint: string }
  | { ok: false; step: 'describe' | 'endpoint'; problem: string };

const TLS_TIMEOUT_MS = 5_000;

/**
 * Can the executor identity describe the cluster, and does its API endpoint answer a TLS handshake that verifies
 * against the cluster's own CA? What `config check --online` reports per cluster; it changes nothing.
 */
export async function probeCluster(clients: ClusterClients, cluster: ClusterSettings): Promise<ClusterProbe> {
  let described: { status: string; authenticationMode: string; endpoint: string; ca: string };
  try {
    const { cluster: found } = await clients.eks.send(new DescribeClusterCommand({ name: cluster.name }));
    described = {
      status: found?.status ?? 'UNKNOWN',
      authenticationMode: found?.accessConfig?.authenticationMode ?? 'UNKNOWN',
      endpoint: found?.endpoint ?? '',
      ca: found?.certificateAuthority?.data ?? '',
    };
  } catch (error) {
    const adapterError = toAdapterError(error);
    return { ok: false, step: 'describe', problem: `DescribeCluster failed: ${adapterError.message}` };
  }
  if (!described.endpoint) return { ok: false, step: 'endpoint', problem: 'DescribeCluster returned no endpoint' };
  const handshake = await tlsHandshake(described.endpoint, Buffer.from(described.ca, 'base64').toString('utf8'));
  if (handshake !== 'ok') return { ok: false, step: 'endpoint', problem: `${described.endpoint}: ${handshake}` };
  return {
    ok: true,
    status: described.status,
    authenticationMode: described.authenticationMode,
    endpoint: described.endpoint,
  };
}

async function tlsHandshake(endpoint: string, ca: string): Promise<string> {
  const url = new URL(endpoint);
  return await new Promise((resolve) => {
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 443),
      ca,
      servername: /^[0-9.]+$/.test(url.hostname) ? undefined : url.hostname,
      timeout: TLS_TIMEOUT_MS,
    });
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('secureConnect', () =>
      done(socket.authorized ? 'ok' : `certificate not trusted (${socket.authorizationError})`),
    );
    socket.once('timeout', () => done(`no answer within ${TLS_TIMEOUT_MS / 1000} s`));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}
