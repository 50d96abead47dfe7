import type { z } from 'zod';

/** One key of the config file as the schema defines it, for the generated reference. */
export interface SchemaKey {
  /** `clusters[].approvers`, `users.<U…>`: lists as `[]`, free-form mapping keys as `<…>`. */
  path: string;
  type: string;
  isRequired: boolean;
  default?: string;
}

type Def = Record<string, unknown> & { type?: string };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } })._zod?.def;

/**
 * Walks a zod 4 object schema into its keys, looking through optional, default, pipe (transforms), arrays and
 * records. Only the definition is read: what a file may contain comes from the schema itself, so the reference
 * generated from this cannot drift from what start-up accepts.
 */
export function schemaKeys(schema: z.ZodType): SchemaKey[] {
  const keys: SchemaKey[] = [];
  walkObject(schema, '', keys);
  return keys;
}

function walkObject(schema: unknown, prefix: string, out: SchemaKey[]): void {
  const def = defOf(schema);
  if (def?.type !== 'object') return;
  for (const [name, child] of Object.entries(def['shape'] as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const info = unwrap(child);
    out.push({
      path,
      type: typeName(info.inner),
      isRequired: !info.isOptional,
      ...(info.default !== undefined ? { default: info.default } : {}),
    });
    descend(info.inner, path, out);
  }
}

function descend(schema: unknown, path: string, out: SchemaKey[]): void {
  const def = defOf(schema);
  if (def?.type === 'object') walkObject(schema, path, out);
  else if (def?.type === 'array') descend(unwrap(def['element']).inner, `${path}[]`, out);
  else if (def?.type === 'record') descend(unwrap(def['valueType']).inner, `${path}.<key>`, out);
}

function unwrap(schema: unknown): { inner: unknown; isOptional: boolean; default?: string } {
  let current = schema;
  let isOptional = false;
  let fallback: string | undefined;
  for (let guard = 0; guard < 16; guard++) {
    const def = defOf(current);
    if (!def) break;
    if (def.type === 'optional') isOptional = true;
    if (def.type === 'default') {
      isOptional = true;
      const value =
        typeof def['defaultValue'] === 'function' ? (def['defaultValue'] as () => unknown)() : def['defaultValue'];
      fallback = JSON.stringify(value);
    }
    if (def.type === 'pipe') current = def['in'];
    else if ('innerType' in def) current = def['innerType'];
    else break;
  }
  return { inner: current, isOptional, ...(fallback !== undefined ? { default: fallback } : {}) };
}

function typeName(schema: unknown): string {
  const def = defOf(schema);
  switch (def?.type) {
    case 'array':
      return `list of ${typeName(unwrap(def['element']).inner)}`;
    case 'record':
      return `mapping to ${typeName(unwrap(def['valueType']).inner)}`;
    case 'object':
      return 'mapping';
    case 'enum':
      return Object.values(def['entries'] as Record<string, string>).join(' | ');
    default:
      return def?.type ?? 'unknown';
  }
}
