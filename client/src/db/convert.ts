// What happens to each column when a 0.14.6 table is copied into its 2.x parallel: matched by name,
// copied verbatim where both versions store the value the same way (numbers, strings, dates, uuids,
// serialized blobs, internal attachments, adapted blobs), converted where they do not (0.14.6 in-store
// pointers → 2.x JSON metadata, through pointers.ts). Anything else is refused before a row moves.
import { adapted014Store, adapted2xStore } from './adaptedStore';
import type { Column, Table } from './model';
import type { StoreMap, StoreSpec } from './stores';
import { convertPointer, type ExternalRow, type PointerJson, type PointerKind } from './pointers';

export type { PointerKind };

export type ColumnPlan =
  /** Same bytes on both sides: copied server-side, never through the client. */
  | { kind: 'verbatim'; name: string }
  /** A 0.14.6 BINARY(16) pointer into `~external_<store>` becoming 2.x JSON. */
  | { kind: 'pointer'; name: string; pointerKind: PointerKind; store: string; adapter?: string };

export interface TablePlanProblem {
  column: string | null;
  message: string;
}

/** Columns the copy writes, and why the tables cannot be copied if they cannot. */
export interface ColumnPlanning {
  columns: ColumnPlan[];
  problems: TablePlanProblem[];
}

/** Storage forms whose bytes mean the same in both versions. */
const VERBATIM_PAIRS: ReadonlySet<string> = new Set([
  'plain>plain',
  'uuid>uuid',
  'json>json',
  'blob>blob',
  'attach>attach',
  'adapted>adapted',
  // An unlabelled 0.14.6 blob whose target was declared `<blob>`, or an adapter whose codec stores a blob.
  'adapted>blob',
  'blob>adapted',
]);

/** Plan every target column from the source column of the same name. */
export function planColumns(source: Table, target: Table): ColumnPlanning {
  const problems: TablePlanProblem[] = [];
  const columns: ColumnPlan[] = [];
  const targetByName = new Map(target.columns.map((c) => [c.name, c]));
  const sourceNames = new Set(source.columns.map((c) => c.name));
  for (const s of source.columns) {
    const t = targetByName.get(s.name);
    if (!t) {
      problems.push({
        column: s.name,
        message: `column ${s.name} has no counterpart in ${target.schema}.${target.name}; its values would be lost`,
      });
      continue;
    }
    const plan = planColumn(s, t);
    if (typeof plan === 'string') problems.push({ column: s.name, message: plan });
    else columns.push(plan);
  }
  for (const t of target.columns) {
    if (sourceNames.has(t.name)) continue;
    // Columns only the target has (2.x `_job_*` metadata) must be fillable without a value.
    if (!t.nullable && t.default === null && !/auto_increment/i.test(t.extra)) {
      problems.push({ column: t.name, message: `target column ${t.name} has no source column and no default` });
    }
  }
  const pk = (t: Table) => t.primaryKey.join(',');
  if (pk(source) !== pk(target)) {
    problems.push({
      column: null,
      message: `primary keys differ: (${pk(source)}) in ${source.schema} vs (${pk(target)}) in ${target.schema}`,
    });
  }
  if (source.primaryKey.length === 0)
    problems.push({
      column: null,
      message: `${source.schema}.${source.name} has no primary key; rows cannot be matched`,
    });
  return { columns, problems };
}

function planColumn(s: Column, t: Column): ColumnPlan | string {
  const from = s.storage;
  const to = t.storage;
  if (from.form === 'pointer014') {
    if (to.form === 'json2x' && to.codec === from.kind && to.store === from.store) {
      return { kind: 'pointer', name: s.name, pointerKind: from.kind, store: from.store };
    }
    if (to.form === 'pointer014' && to.kind === from.kind && to.store === from.store) {
      return `column ${s.name} is still a 0.14.6 ${from.kind}@${from.store} pointer in the target; run create-parallel for 2.x tables`;
    }
    return `column ${s.name}: a 0.14.6 ${from.kind}@${from.store} pointer cannot become ${describe(t)}`;
  }
  const store014 = adapted014Store(s);
  if (from.form === 'adapted' && store014 !== null) {
    // The adapter's values are blob@store objects; its 2.x codec column points at the same storage (adaptedStore.ts).
    if (to.form === 'adapted' && to.name === from.name && adapted2xStore(t) === store014)
      return { kind: 'pointer', name: s.name, pointerKind: 'blob', store: store014, adapter: from.name };
    return `column ${s.name}: adapter <${from.name}> over store ${store014} cannot become ${describe(t)}; create-parallel declares it <${from.name}@${store014}>`;
  }
  if (from.form === 'json2x') {
    if (to.form === 'json2x' && to.codec === from.codec && to.store === from.store)
      return { kind: 'verbatim', name: s.name };
    return `column ${s.name}: ${describe(s)} cannot become ${describe(t)}`;
  }
  if (VERBATIM_PAIRS.has(`${from.form}>${to.form}`)) {
    if (from.form === 'adapted' && to.form === 'adapted' && from.name !== to.name) {
      return `column ${s.name}: adapter <${from.name}> cannot become codec <${to.name}>`;
    }
    return { kind: 'verbatim', name: s.name };
  }
  return `column ${s.name}: ${describe(s)} cannot become ${describe(t)}`;
}

function describe(c: Column): string {
  const st = c.storage;
  switch (st.form) {
    case 'pointer014':
      return `${st.kind}@${st.store} (0.14.6 pointer)`;
    case 'json2x':
      return `<${st.codec}@${st.store}> (2.x JSON)`;
    case 'adapted':
      return `<${st.name}${st.store ? '@' + st.store : ''}>`;
    default:
      return `${st.form} ${c.columnType}`;
  }
}

export interface PointerContext {
  sourceSchema: string;
  targetSchema: string;
  /** Store settings as 0.14.6 wrote them (source side). */
  stores: StoreMap;
  /** Where relocated objects go; defaults to the same store settings. */
  destStores?: StoreMap;
  relocate: boolean;
  dryRun: boolean;
}

export class PointerConversionError extends Error {
  override name = 'PointerConversionError';
}

function storeFor(stores: StoreMap | undefined, name: string, what: string): StoreSpec {
  const s = stores?.[name];
  if (!s)
    throw new PointerConversionError(
      `store ${JSON.stringify(name)} is not configured (${what}); pass its settings with --stores`,
    );
  return s;
}

/**
 * One pointer cell → the 2.x JSON text (null stays null). A pointer with no `~external` row is a
 * dangling pointer: an error, never a silent NULL.
 */
export async function convertPointerCell(
  plan: Extract<ColumnPlan, { kind: 'pointer' }>,
  pointer: Buffer | null,
  external: ExternalRow | null,
  ctx: PointerContext,
): Promise<{ json: string | null; value: PointerJson | null; fileOps: string[] }> {
  if (pointer === null) return { json: null, value: null, fileOps: [] };
  if (!external) {
    throw new PointerConversionError(
      `dangling pointer: ${ctx.sourceSchema} column ${plan.name} holds ${pointer.toString('hex')}, which has no row in ~external_${plan.store}`,
    );
  }
  if (plan.adapter && (external.attachment_name !== null || external.filepath !== null))
    throw new PointerConversionError(
      `${ctx.sourceSchema} column ${plan.name}: adapter <${plan.adapter}> stored ${pointer.toString('hex')} as an ${external.filepath !== null && external.attachment_name === null ? 'external file path' : 'attachment'}; db copy converts adapters over blob@${plan.store} only (use migrate-in-place with --adapter-kind)`,
    );
  const store = storeFor(ctx.stores, plan.store, `${plan.pointerKind}@${plan.store} column ${plan.name}`);
  const destStore = ctx.destStores ? storeFor(ctx.destStores, plan.store, 'relocation destination') : undefined;
  const { json, fileOps } = await convertPointer(plan.pointerKind, external, {
    sourceSchema: ctx.sourceSchema,
    targetSchema: ctx.targetSchema,
    store,
    destStore,
    relocate: ctx.relocate,
    dryRun: ctx.dryRun,
  });
  return { json: JSON.stringify(json), value: json, fileOps };
}
