// An AttributeAdapter whose attribute_type was `blob@store`: 0.14.6 labels the column only `:<name>:` (binary(16) with a
// key to `~external_<store>`) and keeps the adapter's put() output in the store exactly as `blob@store` does; the 2.x
// column `:<name@store>:` (JSON) is the user's codec over the same storage as `<blob@store>`. Copy and compare treat
// both like the built-in kind (storage-formats.md §C.1). An adapter over attach@ or filepath@ is refused per row by
// the copy (its `~external` rows say so); migrate-in-place and migrate-pointers take its kind as an option.
import type { Column, Table } from './model';

/** The store of a 0.14.6 adapter over an external store (binary(16) pointer), or null. */
export function adapted014Store(c: Column): string | null {
  const st = c.storage;
  return st.form === 'adapted' && st.store !== undefined && c.dataType === 'binary' ? st.store : null;
}

/** The store of a 2.x custom codec in a store (JSON metadata), or null. */
export function adapted2xStore(c: Column): string | null {
  const st = c.storage;
  return st.form === 'adapted' && st.store !== undefined && c.dataType === 'json' ? st.store : null;
}

/** The column as the built-in kind its values are stored as: `blob@store` (0.14.6) or `<blob@store>` (2.x). */
export function asBuiltinStorage(c: Column): Column {
  const old = adapted014Store(c);
  if (old !== null) return { ...c, storage: { form: 'pointer014', kind: 'blob', store: old } };
  const now = adapted2xStore(c);
  if (now !== null) return { ...c, storage: { form: 'json2x', codec: 'blob', store: now } };
  return c;
}

/** The table with its adapted in-store columns viewed as the built-in kind (for compare). */
export function inStoreView(t: Table): Table {
  return t.columns.some((c) => adapted014Store(c) !== null || adapted2xStore(c) !== null)
    ? { ...t, columns: t.columns.map(asBuiltinStorage) }
    : t;
}
