// The one mapping from DataJoint 0.14.6 attribute types to what DataJoint 2.x declares.
// Used by the definition rules (code) and by create-parallel (database DDL), so both agree.
// Evidence: ../shared/spec/api-changes.md §2.1 and ../shared/spec/storage-formats.md A2, B6, C.1.

export type { Kind014, UnsignedPolicy, Type014, Type2x } from './djtypes/types';
export { BUILTIN_CODECS, parseType014, uintIntent } from './djtypes/parse014';
export { type ToType2xOptions, toType2x } from './djtypes/to2x';
export { splitLabel, columnTo014, normalizeColumnType, sameColumnType, composeComment2x } from './djtypes/columns';
export { type Label2x, parse2xLabel } from './djtypes/labels2x';
