// Section 3 of `npm run bench:db` (bench.ts): db compare against a plain streaming read of both tables.
import type { Db } from './connection';
import { qt } from './sql';
import { compare } from './compare';
import type { StoreSpec } from './stores';
import { fmt, timed } from './bench';
import { benchPhase } from './benchMemory';

/** Compare (stores configured: every pointer's file is checked) vs a plain streaming read of both tables; trial: read first, recording: compare first. */
export async function compareLines(
  db: Db,
  o: {
    src: string;
    dst: string;
    total: number;
    stores: { raw: StoreSpec };
    line: (label: string, value: string) => void;
  },
): Promise<void> {
  const { src, dst, total, stores, line } = o;
  const pairs = [{ source: src, target: dst }];
  const compareMs: number[] = [];
  for (const table of ['trial', 'recording']) {
    const readBoth = () =>
      timed(async () => {
        benchPhase(`streaming read of both ${table}`);
        let n = 0;
        for (const t of [qt(src, table), qt(dst, table)]) for await (const _ of db.stream(`SELECT * FROM ${t}`)) n++;
        return n;
      });
    const compareIt = () => {
      benchPhase(`compare ${table}`);
      return timed(() => compare(db, { pairs, tables: [table], stores }));
    };
    const read = table === 'trial' ? await readBoth() : undefined;
    const cmp = await compareIt();
    const readAfter = read ?? (await readBoth());
    if (!cmp.value.equal) throw new Error(`benchmark copy of ${table} is not equal to its source`);
    const rRead = total / readAfter.s;
    const rCmp = total / cmp.s;
    line(`streaming read of both ${table} tables (baseline)`, `${fmt(rRead)} rows/s`);
    compareMs.push(cmp.s);
    const how = table === 'trial' ? 'chunk checksums' : 'pointers by two key-ordered reads, files checked';
    line(`db compare, ${table} (${how})`, `${fmt(rCmp)} rows/s  ratio ${(rCmp / rRead).toFixed(2)} (aim ≥ 0.5)`);
    if (table === 'recording') {
      // The default checks that each file is there (a listing of the store's folder); sizes cost a stat each.
      benchPhase('compare recording --file-check exists');
      const sized = await timed(() => compare(db, { pairs, tables: [table], stores, fileCheck: 'exists' }));
      if (!sized.value.equal) throw new Error('benchmark copy of recording is not equal to its source (exists)');
      line(
        '  same, --file-check exists (a stat per object)',
        `${fmt(total / sized.s)} rows/s  ratio ${(total / sized.s / rRead).toFixed(2)} (no aim: sizes cost a stat each)`,
      );
    }
  }
  // Both tables at once (--jobs 2) against the two compares one after the other above.
  benchPhase('compare --jobs 2');
  const both = await timed(() => compare(db, { pairs, tables: ['trial', 'recording'], stores, jobs: 2 }));
  if (!both.value.equal) throw new Error('benchmark copy is not equal to its source (--jobs 2)');
  const sequential = compareMs[0] + compareMs[1];
  line(
    'db compare --jobs 2, trial + recording',
    `${both.s.toFixed(1)} s vs ${sequential.toFixed(1)} s one at a time  speed-up ${(sequential / both.s).toFixed(2)}`,
  );
}
