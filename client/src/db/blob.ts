// A reader of DataJoint's serialized blob format (storage-formats.md A4; the byte format is the same in
// 0.14.6 and 2.x), for previews and value-level checks. It follows datajoint/blob.py `unpack(squeeze=False)`:
// arrays keep their stored shape, data stays in the stored (column-major) order.
import { inflateSync } from 'node:zlib';
import { md5 } from './hash';

export type DatetimeUnit = 'Y' | 'M' | 'W' | 'D' | 'h' | 'm' | 's' | 'ms' | 'us' | 'ns' | 'ps' | 'fs' | 'as';
export type NumericDType =
  | 'float64'
  | 'float32'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64';
export type DType = NumericDType | 'bool' | 'char' | 'object' | `datetime64[${DatetimeUnit}]`;

/** An `A` array. `data` holds prod(shape) elements in column-major order (numpy `order='F'`). */
export type NdArray =
  | { kind: 'ndarray'; dtype: NumericDType; shape: number[]; data: number[] | bigint[]; imag?: number[] | bigint[] }
  | { kind: 'ndarray'; dtype: `datetime64[${DatetimeUnit}]`; shape: number[]; data: bigint[] }
  | { kind: 'ndarray'; dtype: 'bool'; shape: number[]; data: boolean[] }
  /** MATLAB char: a 1-D or 1×N array becomes one string of shape [1], as blob.py does. */
  | { kind: 'ndarray'; dtype: 'char'; shape: number[]; data: string[] }
  | { kind: 'ndarray'; dtype: 'object'; shape: number[]; data: BlobValue[] };

/** `S`: MATLAB struct array; `records` in column-major order, each with every field. */
export interface MatStruct {
  kind: 'struct';
  shape: number[];
  fields: string[];
  records: Record<string, BlobValue>[];
}
/** `C`: MATLAB cell array; `items` in column-major order. */
export interface MatCell {
  kind: 'cell';
  shape: number[];
  items: BlobValue[];
}
/** `F`: numpy structured array / recarray; each field is an array (or a nested record array). */
export interface RecArray {
  kind: 'recarray';
  fields: { name: string; value: NdArray | RecArray }[];
}
export interface BlobTuple {
  kind: 'tuple';
  items: BlobValue[];
}
export interface BlobSet {
  kind: 'set';
  items: BlobValue[];
}
/** A dict keeps its entries in stored order; keys may be any value (int, str, tuple...). */
export interface BlobDict {
  kind: 'dict';
  entries: [BlobValue, BlobValue][];
}
export interface BlobComplex {
  kind: 'complex';
  re: number;
  im: number;
}
export interface BlobDecimal {
  kind: 'decimal';
  text: string;
}
/** date / time / datetime, as Python's isoformat() spells it. No timezone (blob.py stores none). */
export interface BlobTemporal {
  kind: 'date' | 'time' | 'datetime';
  iso: string;
}
export interface BlobUuid {
  kind: 'uuid';
  value: string;
}

export type BlobValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | BlobValue[]
  | NdArray
  | MatStruct
  | MatCell
  | RecArray
  | BlobTuple
  | BlobSet
  | BlobDict
  | BlobComplex
  | BlobDecimal
  | BlobTemporal
  | BlobUuid;

export class BlobFormatError extends Error {
  override name = 'BlobFormatError';
}

const ZL123 = Buffer.from('ZL123\0', 'latin1');
const PROTOCOLS = ['mYm', 'dj0'];
const DATETIME_UNITS: DatetimeUnit[] = ['Y', 'M', 'W', 'D', 'h', 'm', 's', 'ms', 'us', 'ns', 'ps', 'fs', 'as'];
const NUMERIC_IDS: Record<number, NumericDType> = {
  6: 'float64',
  7: 'float32',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};
const ITEM_SIZE: Record<NumericDType, number> = {
  float64: 8,
  float32: 4,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
};

/** True when the bytes start like a serialized DataJoint blob (`mYm\0`, `dj0\0` or the `ZL123\0` wrapper). */
export function isSerializedBlob(bytes: Buffer | Uint8Array | null | undefined): boolean {
  if (!bytes || bytes.length < 4) return false;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (
    b.subarray(0, 4).toString('latin1') === 'mYm\0' ||
    b.subarray(0, 4).toString('latin1') === 'dj0\0' ||
    b.subarray(0, 6).equals(ZL123)
  );
}

export interface UnpackOptions {
  /** Dimensions and lengths as u32 (blobs written by the old 32-bit mYm for MATLAB). */
  use32bitDims?: boolean;
}

/** Decodes one serialized blob. Throws BlobFormatError on anything blob.py would reject. */
export function unpackBlob(bytes: Buffer | Uint8Array, opts: UnpackOptions = {}): BlobValue {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.subarray(0, 6).equals(ZL123)) {
    if (buf.length < 14) throw new BlobFormatError('compressed blob is truncated');
    const declared = buf.readBigUInt64LE(6);
    try {
      buf = inflateSync(buf.subarray(14));
    } catch (e) {
      throw new BlobFormatError(`compressed blob does not inflate: ${(e as Error).message}`);
    }
    if (BigInt(buf.length) !== declared) {
      throw new BlobFormatError(`compressed blob inflates to ${buf.length} bytes, header says ${declared}`);
    }
  }
  const nul = buf.indexOf(0);
  const protocol = nul < 0 ? '' : buf.subarray(0, nul).toString('latin1');
  if (!PROTOCOLS.includes(protocol)) throw new BlobFormatError('not a DataJoint blob (no mYm/dj0 header)');
  const reader = new Reader(buf, nul + 1, opts.use32bitDims ?? false);
  return reader.readBlob(buf.length - reader.pos);
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly dims32: boolean,
  ) {}

  readBlob(nBytes?: number): BlobValue {
    const start = this.pos;
    const code = this.u8();
    const value = this.readBody(code);
    if (nBytes !== undefined && this.pos - start !== nBytes) {
      throw new BlobFormatError(
        `blob length check failed at offset ${start}: read ${this.pos - start} bytes, expected ${nBytes}`,
      );
    }
    return value;
  }

  private readBody(code: number): BlobValue {
    switch (code) {
      case 0x41:
        return this.readArray(); // 'A'
      case 0x50:
        throw new BlobFormatError('sparse arrays (P) are not supported by DataJoint either');
      case 0x53:
        return this.readStruct(); // 'S'
      case 0x43:
        return this.readCell(); // 'C'
      case 0x46:
        return this.readRecArray(); // 'F'
      case 0xff:
        return null;
      case 0x01:
        return { kind: 'tuple', items: this.readSequence() };
      case 0x02:
        return this.readSequence();
      case 0x03:
        return { kind: 'set', items: this.readSequence() };
      case 0x04:
        return this.readDict();
      case 0x05:
        return this.take(this.len()).toString('utf8');
      case 0x06:
        return Buffer.from(this.take(this.len()));
      case 0x0a:
        return this.readInt();
      case 0x0b:
        return this.u8() !== 0;
      case 0x0c: {
        const re = this.f64();
        return { kind: 'complex', re, im: this.f64() };
      }
      case 0x0d:
        return this.f64();
      case 0x64:
        return { kind: 'decimal', text: this.take(this.len()).toString('latin1') }; // 'd'
      case 0x74:
        return this.readTemporal(); // 't'
      case 0x75:
        return { kind: 'uuid', value: formatUuid(this.take(16)) }; // 'u'
      default:
        throw new BlobFormatError(
          `unknown data structure code 0x${code.toString(16).padStart(2, '0')} at offset ${this.pos - 1}`,
        );
    }
  }

  private readArray(): NdArray {
    const shape = this.shape();
    const n = count(shape);
    const typeId = this.u32();
    const isComplex = this.u32() !== 0;
    if (typeId === 5) {
      const data: BlobValue[] = [];
      for (let i = 0; i < n; i++) data.push(this.readBlob(this.len()));
      return { kind: 'ndarray', dtype: 'object', shape, data };
    }
    if (typeId === 4) {
      const chars: string[] = [];
      for (let i = 0; i < n; i++) chars.push(String.fromCharCode(this.take(2)[0])); // MATLAB u16 chars; blob.py keeps the low byte
      if ((shape.length === 2 && shape[0] === 1) || shape.length === 1)
        return { kind: 'ndarray', dtype: 'char', shape: [1], data: [chars.join('')] };
      return { kind: 'ndarray', dtype: 'char', shape, data: chars };
    }
    if (typeId === 3) {
      const bytes = this.take(n);
      return { kind: 'ndarray', dtype: 'bool', shape, data: Array.from(bytes, (b) => b !== 0) };
    }
    if (typeId >= 65536 && typeId <= 65548) {
      const data: bigint[] = [];
      for (let i = 0; i < n; i++) data.push(this.take(8).readBigInt64LE(0));
      return { kind: 'ndarray', dtype: `datetime64[${DATETIME_UNITS[typeId - 65536]}]`, shape, data };
    }
    const dtype = NUMERIC_IDS[typeId];
    if (!dtype) throw new BlobFormatError(`unknown array type id ${typeId}`);
    const data = this.numbers(dtype, n);
    return isComplex
      ? { kind: 'ndarray', dtype, shape, data, imag: this.numbers(dtype, n) }
      : { kind: 'ndarray', dtype, shape, data };
  }

  private numbers(dtype: NumericDType, n: number): number[] | bigint[] {
    const raw = this.take(n * ITEM_SIZE[dtype]);
    const size = ITEM_SIZE[dtype];
    const read = (i: number): number | bigint => {
      const o = i * size;
      switch (dtype) {
        case 'float64':
          return raw.readDoubleLE(o);
        case 'float32':
          return raw.readFloatLE(o);
        case 'int8':
          return raw.readInt8(o);
        case 'uint8':
          return raw.readUInt8(o);
        case 'int16':
          return raw.readInt16LE(o);
        case 'uint16':
          return raw.readUInt16LE(o);
        case 'int32':
          return raw.readInt32LE(o);
        case 'uint32':
          return raw.readUInt32LE(o);
        case 'int64':
          return raw.readBigInt64LE(o);
        case 'uint64':
          return raw.readBigUInt64LE(o);
      }
    };
    const out: (number | bigint)[] = [];
    for (let i = 0; i < n; i++) out.push(read(i));
    return out as number[] | bigint[];
  }

  private readStruct(): MatStruct | NdArray {
    const shape = this.shape();
    const n = count(shape);
    const nFields = this.u32();
    if (nFields === 0) return { kind: 'ndarray', dtype: 'object', shape: [], data: [null] }; // blob.py: np.array(None)
    const fields: string[] = [];
    for (let i = 0; i < nFields; i++) fields.push(this.zeroTerminated());
    const records: Record<string, BlobValue>[] = [];
    for (let r = 0; r < n; r++) {
      const rec: Record<string, BlobValue> = {};
      for (const f of fields) rec[f] = this.readBlob(this.len());
      records.push(rec);
    }
    return { kind: 'struct', shape, fields, records };
  }

  private readCell(): MatCell {
    const shape = this.shape();
    const n = count(shape);
    const items: BlobValue[] = [];
    for (let i = 0; i < n; i++) items.push(this.readBlob(this.len()));
    return { kind: 'cell', shape, items };
  }

  private readRecArray(): RecArray | NdArray {
    const nFields = this.u32();
    if (nFields === 0) return { kind: 'ndarray', dtype: 'object', shape: [], data: [null] };
    const names: string[] = [];
    for (let i = 0; i < nFields; i++) names.push(this.zeroTerminated());
    const fields: RecArray['fields'] = [];
    for (const name of names) {
      const value = this.readBlob();
      if (!isObj(value) || (value.kind !== 'ndarray' && value.kind !== 'recarray')) {
        throw new BlobFormatError(`record array field ${name} is not an array`);
      }
      fields.push({ name, value: value as NdArray | RecArray });
    }
    return { kind: 'recarray', fields };
  }

  private readSequence(): BlobValue[] {
    const n = this.len();
    const items: BlobValue[] = [];
    for (let i = 0; i < n; i++) items.push(this.readBlob(this.len()));
    return items;
  }

  private readDict(): BlobDict {
    const n = this.len();
    const entries: [BlobValue, BlobValue][] = [];
    for (let i = 0; i < n; i++) {
      const key = this.readBlob(this.len());
      entries.push([key, this.readBlob(this.len())]);
    }
    return { kind: 'dict', entries };
  }

  private readInt(): number | bigint {
    const nBytes = this.take(2).readUInt16LE(0);
    const bytes = this.take(nBytes);
    if (nBytes === 0) return 0;
    let v = 0n;
    for (let i = nBytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
    if (bytes[nBytes - 1] & 0x80) v -= 1n << BigInt(8 * nBytes); // two's complement
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private readTemporal(): BlobTemporal {
    const date = this.take(4).readInt32LE(0);
    const time = this.take(8).readBigInt64LE(0);
    const d =
      date >= 0
        ? `${pad(Math.floor(date / 10000), 4)}-${pad(Math.floor(date / 100) % 100, 2)}-${pad(date % 100, 2)}`
        : null;
    let t: string | null = null;
    if (time >= 0n) {
      const us = Number(time % 1000000n);
      const hms = Number(time / 1000000n);
      t =
        `${pad(Math.floor(hms / 10000) % 100, 2)}:${pad(Math.floor(hms / 100) % 100, 2)}:${pad(hms % 100, 2)}` +
        (us ? `.${pad(us, 6)}` : '');
    }
    if (d && t) return { kind: 'datetime', iso: `${d}T${t}` };
    if (t) return { kind: 'time', iso: t };
    if (d) return { kind: 'date', iso: d };
    throw new BlobFormatError('temporal value with neither date nor time');
  }

  private shape(): number[] {
    const ndim = this.len();
    const shape: number[] = [];
    for (let i = 0; i < ndim; i++) shape.push(this.len());
    return shape;
  }

  /** A dimension or length: u64, or u32 for old 32-bit mYm blobs. */
  private len(): number {
    if (this.dims32) return this.u32();
    const v = this.take(8).readBigUInt64LE(0);
    // Every element consumes bytes, so an absurd count fails at the first short read; only guard the conversion.
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new BlobFormatError(`length ${v} at offset ${this.pos - 8} is not a plausible size`);
    return Number(v);
  }

  private zeroTerminated(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new BlobFormatError('unterminated field name');
    const s = this.buf.subarray(this.pos, end).toString('utf8');
    this.pos = end + 1;
    return s;
  }

  private u8(): number {
    return this.take(1)[0];
  }
  private u32(): number {
    return this.take(4).readUInt32LE(0);
  }
  private f64(): number {
    return this.take(8).readDoubleLE(0);
  }

  private take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length)
      throw new BlobFormatError(
        `blob is truncated: need ${n} bytes at offset ${this.pos}, have ${this.buf.length - this.pos}`,
      );
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function count(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function isObj(v: BlobValue): v is Extract<BlobValue, { kind: string }> {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v);
}

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

/**
 * A one-line preview of a decoded blob for explorers and reports, e.g. `float64 array 1×500`,
 * `dict {label, n, nested, shape}`, `'text'`, `list[3]`, `bytes (12)`. Never longer than `max` characters.
 */
export function describeBlob(value: BlobValue, max = 80): string {
  const text = describe(value);
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function describe(v: BlobValue): string {
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
