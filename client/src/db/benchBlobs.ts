// The benchmarks' stored values, shaped as real 0.14.6 pipelines store them (verify decodes every blob).
/**
 * SQL for a serialized 0.14.6 blob (`mYm`, a uint8 vector) holding the bytes of `expr` (under 256 of them): what
 * verify decodes, as real pipelines store.
 */
export function uint8BlobSql(expr: string): string {
  return `CONCAT(X'6d596d00410100000000000000', CHAR(LENGTH(${expr}) USING binary), X'000000000000000900000000000000', ${expr})`;
}
