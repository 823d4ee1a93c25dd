// The values a serialized DataJoint blob decodes to, and the error for bytes that are not one.

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
