// One-line previews of decoded blob values.
import type { BlobValue } from './values';
import { round10 } from './canonical';

/**
 * A one-line preview of a decoded blob for explorers and reports, e.g. `float64 array 1×500`,
 * `dict {label, n, nested, shape}`, `'text'`, `list[3]`, `bytes (12)`. Never longer than `max` characters.
 */
export function describeBlob(value: BlobValue, max = 80): string {
  const text = describe(value);
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export function describe(v: BlobValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(round10(v));
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (Buffer.isBuffer(v)) return `bytes (${v.length})`;
  if (Array.isArray(v)) return `list[${v.length}]`;
  switch (v.kind) {
    case 'ndarray': {
      const shape = v.shape.length ? v.shape.join('×') : 'scalar';
      if (v.dtype === 'char')
        return v.shape.length === 1 && v.data.length === 1
          ? `char ${JSON.stringify(v.data[0])}`
          : `char array ${shape}`;
      if (v.shape.length === 0 && v.data.length === 1 && v.dtype !== 'object')
        return `${v.dtype} ${describe(v.data[0] as BlobValue)}`;
      return `${'imag' in v && v.imag ? 'complex ' : ''}${v.dtype} array ${shape}`;
    }
    case 'struct':
      return `struct ${v.shape.join('×')} {${v.fields.join(', ')}}`;
    case 'cell':
      return `cell ${v.shape.join('×')}`;
    case 'recarray':
      return `record array {${v.fields.map((f) => f.name).join(', ')}}`;
    case 'tuple':
      return `tuple[${v.items.length}]`;
    case 'set':
      return `set[${v.items.length}]`;
    case 'dict':
      return `dict {${v.entries.map(([k]) => (typeof k === 'string' ? k : describe(k))).join(', ')}}`;
    case 'complex':
      return `${round10(v.re)}${v.im < 0 ? '-' : '+'}${round10(Math.abs(v.im))}j`;
    case 'decimal':
      return `Decimal('${v.text}')`;
    case 'date':
    case 'time':
    case 'datetime':
      return `${v.kind} ${v.iso}`;
    case 'uuid':
      return `UUID('${v.value}')`;
  }
}
