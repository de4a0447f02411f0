// A small reader of the parts of Prisma's schema language this project uses,
// enough to derive what the database must look like (Prisma's own naming:
// <Model>_pkey, <Model>_<cols>_key, <Model>_<cols>_idx, <Model>_<field>_fkey).

export interface SchemaField {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attrs: string;
}

export interface ParsedSchema {
  models: Map<string, SchemaField[]>;
  enums: Map<string, string[]>;
  indexNames: string[];
  /** constraint name -> ON DELETE rule as information_schema spells it */
  foreignKeys: Map<string, string>;
}

const DELETE_RULE: Record<string, string> = {
  Cascade: 'CASCADE',
  SetNull: 'SET NULL',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetDefault: 'SET DEFAULT',
};

export function parseSchema(text: string): ParsedSchema {
  const noComments = text.replace(/\/\/.*$/gm, '');
  const out: ParsedSchema = { models: new Map(), enums: new Map(), indexNames: [], foreignKeys: new Map() };
  // an index Prisma cannot declare (a partial one) is named in a comment: "// sql-only index: <name>"
  for (const m of text.matchAll(/^\s*\/\/ sql-only index: (\w+)\s*$/gm)) out.indexNames.push(m[1]!);
  for (const m of noComments.matchAll(/^enum (\w+) \{([^}]*)\}/gm)) {
    out.enums.set(
      m[1]!,
      m[2]!
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  }
  for (const m of noComments.matchAll(/^model (\w+) \{([^}]*)\}/gm)) {
    parseModel(m[1]!, m[2]!, out);
  }
  return out;
}

function parseModel(model: string, body: string, out: ParsedSchema): void {
  const fields: SchemaField[] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('@@')) {
      addBlockAttribute(model, line, out);
      continue;
    }
    const fm = /^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line);
    if (!fm) throw new Error(`cannot read line in model ${model}: ${line}`);
    const field = { name: fm[1]!, type: fm[2]!, optional: fm[3] === '?', list: fm[3] === '[]', attrs: fm[4] ?? '' };
    fields.push(field);
    if (field.attrs.includes('@id')) out.indexNames.push(`${model}_pkey`);
    if (/@unique\b/.test(field.attrs)) out.indexNames.push(`${model}_${field.name}_key`);
    const rel = /@relation\(fields: \[(\w+)\][^)]*?(?:onDelete: (\w+))?\)/.exec(field.attrs);
    if (rel) out.foreignKeys.set(`${model}_${rel[1]}_fkey`, DELETE_RULE[rel[2] ?? 'Restrict'] ?? 'RESTRICT');
  }
  out.models.set(model, fields);
}

function addBlockAttribute(model: string, line: string, out: ParsedSchema): void {
  const am = /^@@(unique|index|id)\(\[([^\]]+)\]/.exec(line);
  if (!am) return;
  // a column may carry an operator class: name(ops: raw("gin_trgm_ops"))
  const cols = am[2]!
    .split(',')
    .map((c) => c.trim().replace(/\(.*$/, ''))
    .join('_');
  const suffix = am[1] === 'unique' ? 'key' : am[1] === 'index' ? 'idx' : 'pkey';
  const mapped = /\bmap: "([^"]+)"/.exec(line)?.[1];
  out.indexNames.push(am[1] === 'id' ? `${model}_pkey` : (mapped ?? `${model}_${cols}_${suffix}`));
}
