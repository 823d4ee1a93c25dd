// A generated corpus of DataJoint 0.14.6 pipeline files for the benchmarks: varied, realistic, deterministic.
import fs from 'node:fs';
import path from 'node:path';

const TYPES = [
  'int',
  'int unsigned',
  'smallint unsigned',
  'tinyint',
  'float',
  'double',
  'varchar(64)',
  'date',
  'datetime(3)',
  'longblob',
  'blob@raw',
  'decimal(6,2)',
  'enum("a", "b")',
  'bool',
  'uuid',
  'json',
  'attach',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export function pipelineFile(i: number, tablesPerFile = 6): string {
  const r = rng(i + 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: string[] = [
    `"""Generated pipeline module ${i}."""`,
    'import numpy as np',
    'import datajoint as dj',
    i > 0 ? `from pipeline_${i - 1} import Table${i - 1}_0` : '',
    '',
    `schema = dj.schema("lab_module_${i}")`,
    `other = dj.create_virtual_module("other_${i}", "other_db_${i}")`,
    '',
  ];
  for (let t = 0; t < tablesPerFile; t++) {
    const name = `Table${i}_${t}`;
    const tier = pick(['Manual', 'Lookup', 'Imported', 'Computed']);
    out.push('@schema', `class ${name}(dj.${tier}):`, '    definition = """', `    # table ${t} of module ${i}`);
    if (t > 0) out.push(`    -> Table${i}_${t - 1}`);
    else if (i > 0) out.push(`    -> Table${i - 1}_0`);
    out.push(`    key_${t} : ${pick(['int', 'int unsigned', 'smallint', 'varchar(32)'])}`, '    ---');
    const n = 3 + Math.floor(r() * 6);
    for (let a = 0; a < n; a++) out.push(`    attr_${a} = null : ${pick(TYPES)}  # attribute ${a}`);
    out.push('    """', '');
    if (tier === 'Computed' || tier === 'Imported') {
      out.push(
        '    def make(self, key):',
        `        rows = (Table${i}_${Math.max(0, t - 1)} & key).fetch(as_dict=True)`,
        '        x = np.ones(3) @ np.ones(3)',
        '        self.insert1(dict(key, attr_0=len(rows)))',
        '',
      );
    }
  }
  // Ordinary scientific Python around the DataJoint code, as in real pipeline modules (cf. the fixture pipeline014.py).
  for (let h = 0; h < 6; h++) {
    out.push(
      '',
      `def helper_${i}_${h}(signal, fs=30000.0, window=${50 + h}):`,
      `    """Smooth and summarise a trace (helper ${h})."""`,
    );
    out.push(
      '    kernel = np.hanning(window)',
      '    kernel = kernel / kernel.sum()',
      '    smooth = np.convolve(signal, kernel, mode="same")',
    );
    out.push('    peaks = [i for i in range(1, len(smooth) - 1) if smooth[i - 1] < smooth[i] > smooth[i + 1]]');
    out.push('    stats = {"mean": float(np.mean(smooth)), "std": float(np.std(smooth)), "n_peaks": len(peaks)}');
    out.push(
      '    for name, value in sorted(stats.items()):',
      '        if value is None or (isinstance(value, float) and np.isnan(value)):',
      '            stats[name] = 0.0',
    );
    out.push(
      '    edges = np.linspace(0, len(signal) / fs, 20)',
      '    hist, _ = np.histogram(np.asarray(peaks) / fs, bins=edges)',
      '    return smooth, stats, hist',
    );
  }
  out.push('', 'def analysis(key):');
  out.push(`    keys = (Table${i}_0 & key).fetch("KEY")`);
  out.push(`    a, b = Table${i}_1.fetch("attr_0", "attr_1", order_by="attr_0")`);
  out.push(`    df = (Table${i}_0 * Table${i}_1).fetch(format="frame")`);
  out.push(`    q = Table${i}_0 @ Table${i}_1`);
  out.push(`    n = Table${i}_0.aggr(Table${i}_1, n="count(*)")`);
  out.push(`    (Table${i}_2 & key).delete(safemode=False)`);
  out.push('    with dj.config(safemode=False):', `        Table${i}_3.drop()`);
  out.push('    return keys, a, b, df, q, n, 5 ^ 3', '');
  return out.join('\n');
}

export function writeCorpus(dir: string, files: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < files; i++) {
    const p = path.join(dir, `pipeline_${i}.py`);
    fs.writeFileSync(p, pipelineFile(i));
    paths.push(p);
  }
  return paths;
}

/** One large module of about `lines` lines, for edit-latency measurements. */
export function largeFile(lines: number): string {
  const parts: string[] = [];
  let i = 0;
  while (parts.join('\n').split('\n').length < lines)
    parts.push(pipelineFile(i++, 8).replace(/^from pipeline_\d+ import .*$/m, ''));
  return parts.join('\n');
}
