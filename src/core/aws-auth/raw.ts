import { goInteger } from './go-scalars.ts';
import type { RawObject, RawValue } from './types.ts';
import type { GoMap, GoNode } from './yaml-reader.ts';

/** The JSON-like value of a node, as it would look after the authenticator's YAML-to-JSON step. */
export function rawValue(node: GoNode): RawValue {
  switch (node.type) {
    case 'seq':
      return node.items.map(rawValue);
    case 'map':
      return rawObject(node);
    case 'scalar':
      return rawScalar(node.kind, node.text);
  }
}

export function rawObject(node: GoMap): RawObject {
  // A loop rather than Object.fromEntries (this runs per item); '__proto__' must stay an own data property.
  const object: Record<string, RawValue> = {};
  for (const key of node.entries.keys()) {
    const value = node.entries.get(key);
    if (value === undefined) continue;
    if (key === '__proto__') {
      Object.defineProperty(object, key, {
        value: rawValue(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      object[key] = rawValue(value);
    }
  }
  return object;
}

function rawScalar(kind: string, text: string): RawValue {
  switch (kind) {
    case 'null':
      return null;
    case 'bool':
      return /^(y|yes|true|on)$/i.test(text);
    case 'int': {
      const value = goInteger(text);
      return value !== undefined && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : text;
    }
    case 'float': {
      const value = Number(text.replaceAll('_', ''));
      return Number.isFinite(value) ? value : text;
    }
    default:
      return text;
  }
}

/** The shape name used in issues. */
export function shapeOf(node: GoNode): 'map' | 'seq' | 'str' | 'int' | 'float' | 'bool' | 'null' {
  return node.type === 'scalar' ? node.kind : node.type;
}
