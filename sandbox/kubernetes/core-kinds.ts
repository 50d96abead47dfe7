/**
 * The core/v1 kinds the Kubernetes API fake serves: ConfigMaps (decoding and validation as kube-apiserver does them)
 * and Nodes (seeded only, with a Ready condition).
 */
import type { Body, KindSpec } from './object-store.ts';
import { badRequest, invalid, type StatusCause } from './status.ts';

/** core.MaxSecretSize, which ValidateConfigMap also applies to the sum of a ConfigMap's values. */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export interface ConfigMapContent {
  data?: Record<string, string>;
}

export const CONFIGMAP_SPEC: KindSpec<ConfigMapContent> = {
  ref: { resource: 'configmaps', group: '' },
  kind: 'ConfigMap',
  apiVersion: 'v1',
  namespaced: true,
  content: (body, name) => {
    for (const field of ['binaryData', 'immutable']) {
      // Not modelled: fail loudly (500, recorded in `unexpected`) rather than silently drop it.
      if (body[field] !== undefined) throw new Error(`ConfigMap field ${field} is not modelled by the fake`);
    }
    const data = decodeData(body['data']);
    const causes: StatusCause[] = [];
    let total = 0;
    for (const [key, value] of Object.entries(data ?? {})) {
      total += Buffer.byteLength(value);
      if (!CONFIG_KEY.test(key) || key.length > 253 || key === '.' || key === '..') {
        causes.push({
          reason: 'FieldValueInvalid',
          field: `data[${key}]`,
          message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        });
      }
    }
    if (total > MAX_CONFIGMAP_BYTES) {
      causes.push({
        reason: 'FieldValueTooLong',
        field: '[]',
        message: `Too long: must have at most ${MAX_CONFIGMAP_BYTES} bytes`,
      });
    }
    if (causes.length > 0) throw invalid('ConfigMap', '', name, causes);
    return data === undefined ? {} : { data };
  },
};

/**
 * A value that is not a string fails JSON decoding into `map[string]string` before validation runs, so the real
 * server answers 400 BadRequest ("cannot be handled as a ConfigMap"), not 422.
 */
function decodeData(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw cannotDecode(
      `cannot unmarshal ${jsonType(raw)} into Go struct field ConfigMap.data of type map[string]string`,
    );
  for (const value of Object.values(raw as Body)) {
    if (typeof value !== 'string')
      throw cannotDecode(`cannot unmarshal ${jsonType(value)} into Go struct field ConfigMap.data of type string`);
  }
  return { ...(raw as Record<string, string>) };
}

function cannotDecode(why: string) {
  return badRequest(`ConfigMap in version "v1" cannot be handled as a ConfigMap: json: ${why}`);
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

export interface NodeContent {
  status: {
    conditions: {
      type: string;
      status: 'True' | 'False';
      reason: string;
      message: string;
      lastHeartbeatTime: string;
      lastTransitionTime: string;
    }[];
  };
}

export const NODE_SPEC: KindSpec<NodeContent> = {
  ref: { resource: 'nodes', group: '' },
  kind: 'Node',
  apiVersion: 'v1',
  namespaced: false,
  content: () => {
    throw new Error('Nodes are seeded by the test, never written through the fake API');
  },
};

export function nodeContent(ready: boolean, at: number): NodeContent {
  const time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: ready ? 'kubelet is posting ready status' : 'container runtime network not ready',
          lastHeartbeatTime: time,
          lastTransitionTime: time,
        },
      ],
    },
  };
}
