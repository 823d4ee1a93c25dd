// Decoded blob values in the canonical form of the fixtures, as stable JSON.
import { md5 } from '../hash';
import type { BlobValue, NdArray } from './values';

// ---------------------------------------------------------------------------------------------------------
// Canonical form: the one `test/fixtures/dj014/values.json` uses, so a value read here can be compared with
// what the real library returned. Arrays → {dtype, shape, data} (data column-major, floats to 10 significant
// digits), dicts → objects with sorted keys, bytes → {bytes_md5}, tuples and lists → lists, sets → sorted lists,
// uuids/dates/decimals → strings. Forms the fixture does not exercise are documented per case below.
// ---------------------------------------------------------------------------------------------------------

export type Canonical = null | boolean | number | bigint | string | Canonical[] | { [key: string]: Canonical };

/** A float rounded to 10 significant digits, as the fixture's canonicaliser does (`float(f'{x:.10g}')`). */
export function round10(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(10)) : x;
}

export function canonicalize(value: BlobValue): Canonical {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint')
    return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value : round10(value);
  if (Buffer.isBuffer(value)) return { bytes_md5: md5(value).toString('hex') };
  if (Array.isArray(value)) return value.map((v) => canonicalize(v));
  switch (value.kind) {
    case 'ndarray':
      return canonicalArray(value);
    case 'tuple':
      return value.items.map((v) => canonicalize(v));
    case 'set':
      return value.items.map((v) => canonicalize(v)).sort((a, b) => compareText(stableJson(a), stableJson(b)));
    case 'dict': {
      const out: Record<string, Canonical> = {};
      const keys = value.entries.map(([k]) => keyText(k));
      const order = keys.map((k, i) => [k, i] as const).sort((a, b) => compareText(a[0], b[0]));
      for (const [k, i] of order) out[k] = canonicalize(value.entries[i][1]);
      return out;
    }
    // Not in the fixture: complex → [re, im]; struct → {dtype:'struct', shape, data:[{field: value}]};
    // cell → {dtype:'cell', shape, data}; recarray → {dtype:'record', fields:{name: array}}.
    case 'complex':
      return [round10(value.re), round10(value.im)];
    case 'decimal':
      return value.text;
    case 'date':
    case 'time':
    case 'datetime':
      return value.iso;
    case 'uuid':
      return value.value;
    case 'struct':
      return { dtype: 'struct', shape: value.shape, data: value.records.map((r) => sortedObject(r)) };
    case 'cell':
      return { dtype: 'cell', shape: value.shape, data: value.items.map((v) => canonicalize(v)) };
    case 'recarray': {
      const fields: Record<string, Canonical> = {};
      for (const f of [...value.fields].sort((a, b) => compareText(a.name, b.name)))
        fields[f.name] = canonicalize(f.value);
      return { dtype: 'record', fields };
    }
  }
}

function canonicalArray(a: NdArray): Canonical {
  let data: Canonical[];
  if (a.dtype === 'object') data = a.data.map((v) => canonicalize(v));
  else if (a.dtype === 'bool' || a.dtype === 'char') data = a.data;
  else if (a.dtype.startsWith('datetime64')) data = (a.data as bigint[]).map(safeInt);
  else {
    const num = (v: number | bigint): Canonical =>
      typeof v === 'bigint' ? safeInt(v) : a.dtype === 'float64' || a.dtype === 'float32' ? round10(v) : v;
    const re = (a.data as (number | bigint)[]).map(num);
    const imag = 'imag' in a ? a.imag : undefined;
    data = imag ? re.map((r, i) => [r, num((imag as (number | bigint)[])[i])]) : re;
  }
  const dtype =
    'imag' in a && a.imag
      ? a.dtype === 'float32'
        ? 'complex64'
        : a.dtype === 'float64'
          ? 'complex128'
          : `complex_${a.dtype}`
      : a.dtype;
  return { data, dtype, shape: a.shape };
}

function sortedObject(r: Record<string, BlobValue>): Canonical {
  const out: Record<string, Canonical> = {};
  for (const k of Object.keys(r).sort(compareText)) out[k] = canonicalize(r[k]);
  return out;
}

function safeInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** JSON object keys as Python's json.dumps writes them: str as is, numbers and bools via str(). */
function keyText(k: BlobValue): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k === null) return 'null';
  if (typeof k === 'number' || typeof k === 'bigint') return String(k);
  return stableJson(canonicalize(k));
}

/** Code-point order, as Python sorts str keys (not localeCompare). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON text with sorted object keys and bigint support: a deterministic spelling of a canonical value. */
export function stableJson(v: Canonical): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(stableJson).join(',') + ']';
  return (
    '{' +
    Object.keys(v)
      .sort(compareText)
      .map((k) => JSON.stringify(k) + ':' + stableJson(v[k]))
      .join(',') +
    '}'
  );
}
