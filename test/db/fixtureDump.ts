// Reads rows straight out of a fixture's mariadb-dump text, for tests that need the stored bytes without a
// server (the blob reader's unit test). Handles exactly what `mariadb-dump --hex-blob` writes: numbers, NULL,
// 0xHEX literals and single-quoted strings with backslash escapes.
import fs from 'node:fs';

export type DumpValue = null | string | Buffer;
export interface DumpTable {
  schema: string;
  name: string;
  columns: string[];
  createSql: string;
  rows: DumpValue[][];
}

export function readDump(file: string): DumpTable[] {
  const text = fs.readFileSync(file, 'utf8');
  const tables = new Map<string, DumpTable>();
  let schema = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const use = /^USE `([^`]+)`;/.exec(line);
    if (use) schema = use[1];
    const create = /^CREATE TABLE `([^`]+)` \($/.exec(line);
    if (create) {
      const columns: string[] = [];
      const body: string[] = [line];
      for (i++; i < lines.length && !lines[i].startsWith(')'); i++) {
        body.push(lines[i]);
        const col = /^ {2}`([^`]+)` /.exec(lines[i]);
        if (col) columns.push(col[1]);
      }
      body.push(lines[i]);
      tables.set(`${schema}.${create[1]}`, { schema, name: create[1], columns, createSql: body.join('\n'), rows: [] });
    }
    const insert = /^INSERT INTO `([^`]+)` VALUES\s*/.exec(line);
    if (insert) {
      let stmt = line.slice(insert[0].length);
      while (!stmt.trimEnd().endsWith(';') && i + 1 < lines.length) stmt += '\n' + lines[++i];
      const table = tables.get(`${schema}.${insert[1]}`);
      if (!table) throw new Error(`INSERT before CREATE for ${insert[1]}`);
      table.rows.push(...parseTuples(stmt));
    }
  }
  return [...tables.values()];
}

function parseTuples(s: string): DumpValue[][] {
  const rows: DumpValue[][] = [];
  let i = 0;
  const skip = () => {
    while (i < s.length && /[\s,;]/.test(s[i])) i++;
  };
  skip();
  while (i < s.length && s[i] === '(') {
    i++;
    const row: DumpValue[] = [];
    for (;;) {
      if (s[i] === "'") {
        let out = '';
        for (i++; s[i] !== "'"; i++) {
          if (s[i] === '\\') {
            i++;
            out +=
              ({ n: '\n', r: '\r', t: '\t', '0': '\0', Z: '\x1a', b: '\b' } as Record<string, string>)[s[i]] ?? s[i];
          } else out += s[i];
        }
        i++;
        row.push(out);
      } else {
        const token = /[^,)]+/y;
        token.lastIndex = i;
        const tok = token.exec(s)![0];
        i += tok.length;
        row.push(tok === 'NULL' ? null : tok.startsWith('0x') ? Buffer.from(tok.slice(2), 'hex') : tok);
      }
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === ')') {
        i++;
        break;
      }
      throw new Error(`unexpected ${JSON.stringify(s.slice(i, i + 20))} in dump`);
    }
    rows.push(row);
    skip();
  }
  return rows;
}
