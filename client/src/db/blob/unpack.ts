// Unpacking the serialized blob bytes (`mYm`/`dj0` protocols, optional `ZL123` compression) into values.
import { inflateSync } from 'node:zlib';
import {
  type BlobDict,
  BlobFormatError,
  type BlobTemporal,
  type BlobValue,
  type DatetimeUnit,
  type MatCell,
  type MatStruct,
  type NdArray,
  type NumericDType,
  type RecArray,
} from './values';

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
