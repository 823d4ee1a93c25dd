// A reader of DataJoint's serialized blob format (storage-formats.md A4; the byte format is the same in
// 0.14.6 and 2.x), for previews and value-level checks. It follows datajoint/blob.py `unpack(squeeze=False)`:
// arrays keep their stored shape, data stays in the stored (column-major) order.
export {
  type DatetimeUnit,
  type NumericDType,
  type DType,
  type NdArray,
  type MatStruct,
  type MatCell,
  type RecArray,
  type BlobTuple,
  type BlobSet,
  type BlobDict,
  type BlobComplex,
  type BlobDecimal,
  type BlobTemporal,
  type BlobUuid,
  type BlobValue,
  BlobFormatError,
} from './blob/values';
export { isSerializedBlob, type UnpackOptions, unpackBlob } from './blob/unpack';
export { type Canonical, round10, canonicalize, stableJson } from './blob/canonical';
export { describeBlob } from './blob/describe';
