// Source bytes ↔ text, as Python reads them (PEP 263): a UTF-8 byte order mark, or a coding cookie
// (`# -*- coding: latin-1 -*-`) on line 1 or 2, else UTF-8. Writing uses the same encoding, so bytes outside
// edited ranges stay identical. A file that is not valid in its declared encoding is refused (never rewritten).
import { isUtf8 } from 'node:buffer';

export interface SourceEncoding {
  /** Canonical name: 'utf-8', 'latin-1', 'ascii' or a single-byte WHATWG label such as 'windows-1252'. */
  name: string;
  /** The file starts with a UTF-8 byte order mark (kept on write). */
  bom: boolean;
}

export const UTF8: SourceEncoding = { name: 'utf-8', bom: false };

export type Decoded = { text: string; encoding: SourceEncoding } | { skipped: string };

const BOM = [0xef, 0xbb, 0xbf];
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Python's spellings of the encodings it is likely to meet in a source file, by normalised name. */
const ALIASES: Record<string, string> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-8-sig': 'utf-8',
  'latin-1': 'latin-1',
  latin1: 'latin-1',
  'iso-8859-1': 'latin-1',
  'iso8859-1': 'latin-1',
  l1: 'latin-1',
  ascii: 'ascii',
  'us-ascii': 'ascii',
  cp1252: 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1250: 'windows-1250',
  'windows-1250': 'windows-1250',
  cp1251: 'windows-1251',
  'windows-1251': 'windows-1251',
  'iso-8859-15': 'iso-8859-15',
  'iso8859-15': 'iso-8859-15',
  'latin-9': 'iso-8859-15',
  'iso-8859-2': 'iso-8859-2',
  'iso8859-2': 'iso-8859-2',
  'latin-2': 'iso-8859-2',
  'koi8-r': 'koi8-r',
};

/** The encoding a Python source declares: its BOM or PEP 263 cookie (line 1, or line 2 after a comment/blank line). */
export function declaredEncoding(buf: Uint8Array): { encoding: SourceEncoding } | { error: string } {
  const bom = buf.length >= 3 && BOM.every((b, i) => buf[i] === b);
  const head = Buffer.from(buf.subarray(bom ? 3 : 0, Math.min(buf.length, 1024))).toString('latin1');
  const [first = '', second = ''] = head.split(/\r?\n|\r/);
  const m = COOKIE.exec(first) ?? (/^[ \t\f]*(#.*)?$/.test(first) ? COOKIE.exec(second) : null);
  if (!m) return { encoding: { name: 'utf-8', bom } };
  const raw = m[1].toLowerCase().replace(/_/g, '-');
  const name = ALIASES[raw] ?? (raw.startsWith('utf-8-') ? 'utf-8' : undefined);
  if (!name) return { error: `declares encoding "${m[1]}", which this tool cannot rewrite byte for byte` };
  if (bom && name !== 'utf-8')
    return { error: `has a UTF-8 byte order mark but declares "${m[1]}" (Python refuses it)` };
  return { encoding: { name, bom } };
}

/** Decode a Python source by PEP 263; `python: false` reads UTF-8 (BOM allowed) without looking for a cookie. */
export function decodeSource(buf: Uint8Array, python = true): Decoded {
  const declared = python
    ? declaredEncoding(buf)
    : { encoding: { name: 'utf-8', bom: buf.length >= 3 && BOM.every((b, i) => buf[i] === b) } };
  if ('error' in declared) return { skipped: `not rewritten: the file ${declared.error}` };
  const { encoding } = declared;
  const body = buf.subarray(encoding.bom ? 3 : 0);
  if (encoding.name === 'utf-8') {
    // Node's validator and decoder first (native code); the offset of the first bad byte is looked for only then.
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(body);
      return {
        skipped: `not valid UTF-8 (byte 0x${body[bad].toString(16).padStart(2, '0')} at offset ${bad + (encoding.bom ? 3 : 0)}); declare its encoding (# -*- coding: ... -*-) or convert it; not rewritten`,
      };
    }
    // Valid UTF-8: Buffer's decoder gives what TextDecoder with ignoreBOM gives (a further U+FEFF is kept).
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), encoding };
  }
  if (encoding.name === 'latin-1') return { text: Buffer.from(body).toString('latin1'), encoding };
  if (encoding.name === 'ascii') {
    const bad = body.findIndex((b) => b > 0x7f);
    if (bad >= 0)
      return { skipped: `declares ascii but holds byte 0x${body[bad].toString(16)} at offset ${bad}; not rewritten` };
    return { text: Buffer.from(body).toString('latin1'), encoding };
  }
  const table = singleByteTable(encoding.name);
  if (!table) return { skipped: `encoding ${encoding.name} is not available in this Node.js; not rewritten` };
  let text = '';
  for (let i = 0; i < body.length; i++) {
    const c = table[body[i]];
    if (c === null)
      return { skipped: `byte 0x${body[i].toString(16)} at offset ${i} is not valid ${encoding.name}; not rewritten` };
    text += c;
  }
  return { text, encoding };
}

/** Encode text back into its file's encoding; throws when a character cannot be represented there. */
export function encodeSource(text: string, encoding: SourceEncoding): Buffer {
  const bom = encoding.bom ? Buffer.from(BOM) : Buffer.alloc(0);
  if (encoding.name === 'utf-8') return Buffer.concat([bom, Buffer.from(text, 'utf8')]);
  const limit = encoding.name === 'ascii' ? 0x7f : 0xff;
  if (encoding.name === 'latin-1' || encoding.name === 'ascii') {
    const bad = [...text].find((c) => c.codePointAt(0)! > limit);
    if (bad) throw new Error(`${JSON.stringify(bad)} cannot be written in ${encoding.name}`);
    return Buffer.concat([bom, Buffer.from(text, 'latin1')]);
  }
  const table = singleByteTable(encoding.name);
  if (!table) throw new Error(`encoding ${encoding.name} is not available`);
  const reverse = new Map<string, number>();
  table.forEach((c, b) => {
    if (c !== null) reverse.set(c, b);
  });
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = reverse.get(text[i]);
    if (b === undefined) throw new Error(`${JSON.stringify(text[i])} cannot be written in ${encoding.name}`);
    out[i] = b;
  }
  return Buffer.concat([bom, out]);
}

const tables = new Map<string, Array<string | null> | null>();

/** cp1252's 0x80-0x9f as Python defines them (Node's TextDecoder returns '' for these bytes); null = undefined. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** Byte → character of a single-byte encoding (null for bytes the encoding does not define). */
function singleByteTable(name: string): Array<string | null> | null {
  if (tables.has(name)) return tables.get(name)!;
  if (name === 'windows-1252') {
    const table = Array.from({ length: 256 }, (_, b) =>
      b < 0x80 || b >= 0xa0
        ? String.fromCharCode(b)
        : CP1252_HIGH[b - 0x80]
          ? String.fromCharCode(CP1252_HIGH[b - 0x80])
          : null,
    );
    tables.set(name, table);
    return table;
  }
  let table: Array<string | null> | null = null;
  try {
    const dec = new TextDecoder(name, { fatal: true });
    table = [];
    for (let b = 0; b < 256; b++) {
      try {
        const c = dec.decode(Uint8Array.of(b));
        table.push(c.length === 1 ? c : null);
      } catch {
        table.push(null);
      }
    }
  } catch {
    table = null;
  }
  tables.set(name, table);
  return table;
}

/** Offset of the first byte that makes the buffer invalid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}
