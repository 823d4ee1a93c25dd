// analyzeConfigFile: findings (and the file-creating fix) for one DataJoint config file's text.
import path from 'node:path';
import type { FileOp, Finding, Severity, TextEdit } from '../meta';
import { convert014, type ConfigIssue, type SecretFile } from './convert';
import { parseJson, propertyRanges, type JsonPath } from './jsonText';
import { CARRIED, GROUPS_2X, REMOVED, STORE_POINTERS, STORE_SECRETS, VALUE_CHECKS } from './keys';
import { CONFIG_RULES } from './rules';

export type ConfigFileKind = 'v014-local' | 'v014-global' | 'v2' | 'secrets-json';

export function configFileKind(file: string): ConfigFileKind | undefined {
  const base = path.basename(file);
  if (base === 'dj_local_conf.json') return 'v014-local';
  if (base === '.datajoint_config.json') return 'v014-global';
  if (base === 'datajoint.json') return path.basename(path.dirname(file)) === '.secrets' ? 'secrets-json' : 'v2';
  return undefined;
}

export interface ConfigFileOptions {
  defaultStore?: string;
  bareStoreCodecUsed?: boolean;
  /** Whether a file exists (the caller's view of the disk or workspace); without it nothing is assumed to exist. */
  exists?: (absolutePath: string) => boolean;
  /** Where datajoint.json should go, when not beside the old file (the project root, for ~/.datajoint_config.json). */
  targetDir?: string;
}

export const SECRETS_GITIGNORE = '# Never commit secrets\n*\n!.gitignore\n';

export function analyzeConfigFile(file: string, text: string, opts: ConfigFileOptions = {}): Finding[] {
  // A finding without a fix is an explanation only, whatever its rule offers elsewhere.
  return analyze(file, text, opts).map((f) => (f.fix || f.safety === 'manual' ? f : { ...f, safety: 'manual' }));
}

function analyze(file: string, text: string, opts: ConfigFileOptions): Finding[] {
  const kind = configFileKind(file);
  if (!kind) return [];
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { message, offset, line, column } = parsed.error;
    return [
      finding(
        'DJ151',
        `${path.basename(file)} is not valid JSON (line ${line}, column ${column}: ${message}); fix it before migrating.`,
        offset,
        Math.min(text.length, offset + 1),
      ),
    ];
  }
  const data = parsed.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return [finding('DJ151', `${path.basename(file)} must hold a JSON object of settings.`, 0, text.length)];
  }
  const ctx = new Locator(text);
  const record = data as Record<string, unknown>;
  switch (kind) {
    case 'v014-local':
    case 'v014-global':
      return analyze014(path.resolve(file), kind, record, ctx, opts);
    case 'v2':
      return check2x(record, opts).map((i) => {
        const f = ctx.toFinding(i);
        if (i.code === 'DJ153') f.fix = moveCredentialFix(path.resolve(file), record, i.path, ctx, opts);
        return f;
      });
    case 'secrets-json':
      return analyzeSecretsJson(path.resolve(file), record, ctx, opts);
  }
}

function analyze014(
  file: string,
  kind: ConfigFileKind,
  data: Record<string, unknown>,
  ctx: Locator,
  opts: ConfigFileOptions,
): Finding[] {
  const exists = opts.exists ?? (() => false);
  const dir = opts.targetDir ? path.resolve(opts.targetDir) : path.dirname(file);
  const target = path.join(dir, 'datajoint.json');
  const name = path.basename(file);
  if (exists(target)) {
    return [
      ctx.fileFinding(
        'DJ155',
        `${name} is no longer read by DataJoint 2.x (${target} is). Keep it while 0.14.6 runs; then delete it, since it holds credentials in plain text.`,
      ),
    ];
  }
  const { config, secrets, issues } = convert014(data, opts);
  const secretsDir = path.join(dir, '.secrets');
  const ops: FileOp[] = [];
  if (secrets.length && !exists(path.join(secretsDir, '.gitignore')))
    ops.push({ kind: 'create', path: path.join(secretsDir, '.gitignore'), content: SECRETS_GITIGNORE });
  for (const s of secrets) ops.push({ kind: 'create', path: path.join(secretsDir, s.name), content: s.value + '\n' });
  ops.push({ kind: 'create', path: target, content: JSON.stringify(config, null, 2) + '\n' });

  const parts = [
    `DataJoint 2.x does not read ${name}; it reads datajoint.json (searched upward to the .git folder) and one-value files in .secrets/.`,
  ];
  const dropped = issues.filter((i) =>
    ['DJ141', 'DJ142', 'DJ143', 'DJ144', 'DJ148', 'DJ150', 'DJ152'].includes(i.code),
  ).length;
  parts.push(
    `Fix: create ${path.relative(path.dirname(file), target) || 'datajoint.json'}${secrets.length ? ` and .secrets/ (${secrets.map((s) => s.name).join(', ')}; git-ignored)` : ''}; ${name} is kept for 0.14.6.`,
  );
  if (dropped)
    parts.push(`${dropped} setting${dropped > 1 ? 's are' : ' is'} not carried over (see the other findings).`);
  if (kind === 'v014-global' && !opts.targetDir)
    parts.push(
      'This is the per-user file: 2.x has no per-user config, and a datajoint.json here is found only by projects without their own .git; prefer one datajoint.json per project.',
    );
  const main: Finding = {
    ...ctx.fileFinding('DJ140', parts.join(' ')),
    fix: {
      title: `Create datajoint.json${secrets.length ? ' and .secrets/' : ''} (keep ${name})`,
      edits: [],
      fileOps: ops,
    },
  };
  return [main, ...issues.map((i) => ctx.toFinding(i))];
}

/** Checks of a 2.x datajoint.json; a file written by the DJ140 fix yields none. */
function check2x(data: Record<string, unknown>, opts: ConfigFileOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (flatKey: string, value: unknown, p: JsonPath) => {
    if (flatKey in REMOVED) {
      issues.push({
        code: 'DJ141',
        path: p,
        message: `${flatKey} is not a 2.x setting and is silently ignored: ${REMOVED[flatKey].why}`,
      });
      return;
    }
    if (flatKey === 'database.password') {
      issues.push({
        code: 'DJ153',
        path: p,
        message:
          'database.password is in datajoint.json, which is meant to be committed; move it to .secrets/database.password (git-ignored) or DJ_PASS.',
      });
    }
    if (flatKey === 'database.use_tls' && isObject(value)) {
      issues.push({
        code: 'DJ150',
        path: p,
        message:
          'database.use_tls must be true, false or null in datajoint.json; pass TLS options in code: dj.Connection(…, use_tls={…}).',
      });
      return;
    }
    const check = VALUE_CHECKS[flatKey];
    if (check && !check.check(value))
      issues.push({
        code: 'DJ152',
        path: p,
        message: `${flatKey} is ${JSON.stringify(value)}; 2.x expects ${check.expect}.`,
      });
  };
  for (const [key, value] of Object.entries(data)) {
    const p = [key];
    if (key === 'stores') {
      if (isObject(value)) issues.push(...checkStores2x(value, opts));
      continue;
    }
    if (key === 'custom') {
      issues.push({
        code: 'DJ142',
        path: p,
        message:
          '"custom" is not a 2.x setting: 2.x ignores it here, and code reading dj.config["custom"] gets KeyError (or {} via .get). Keep these values in your own settings file or environment variables.',
      });
      continue;
    }
    if (key === 'external' || key.startsWith('external')) {
      issues.push({
        code: 'DJ143',
        path: p,
        message: `"${key}" is not read by 2.x; stores are configured under "stores", S3 credentials in .secrets/stores.<name>.access_key / secret_key.`,
      });
      continue;
    }
    const group = GROUPS_2X[key];
    if (group !== undefined) {
      if (group && isObject(value)) {
        for (const [k, v] of Object.entries(value)) {
          if (!group.includes(k))
            issues.push({
              code: 'DJ144',
              path: [key, k],
              message: `${key}.${k} is not a 2.x setting; 2.x ignores it.`,
            });
          else visit(`${key}.${k}`, v, [key, k]);
        }
      } else if (group) {
        issues.push({ code: 'DJ152', path: p, message: `"${key}" must be an object of settings.` });
      } else visit(key, value, p);
      continue;
    }
    const dotted = key.split('.');
    if (dotted.length === 2 && GROUPS_2X[dotted[0]]?.includes(dotted[1])) {
      visit(key, value, p);
      continue;
    }
    if (dotted[0] === 'stores' && dotted.length === 3) continue;
    if (key in REMOVED) {
      visit(key, value, p);
      continue;
    }
    issues.push({
      code: 'DJ144',
      path: p,
      message: `"${key}" is not a 2.x setting; 2.x ignores it${key in CARRIED ? '' : ' (or rejects it when assigned in code)'}.`,
    });
  }
  return issues;
}

function checkStores2x(stores: Record<string, unknown>, opts: ConfigFileOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = Object.keys(stores).filter((n) => !STORE_POINTERS.includes(n));
  for (const pointer of STORE_POINTERS) {
    if (!(pointer in stores)) continue;
    const v = stores[pointer];
    if (isObject(v)) {
      issues.push({
        code: 'DJ148',
        path: ['stores', pointer],
        message: `stores.${pointer} must be the name of a store, not a store specification; rename this store and point stores.${pointer} at the new name.`,
      });
    } else if (typeof v !== 'string' || !names.includes(v)) {
      issues.push({
        code: 'DJ149',
        path: ['stores', pointer],
        message: `stores.${pointer} is ${JSON.stringify(v)}, which is not a store defined in this file.`,
      });
    }
  }
  if (opts.bareStoreCodecUsed && !('default' in stores)) {
    issues.push({
      code: 'DJ149',
      path: ['stores'],
      message: `Definitions use a bare <blob@>/<attach@>, which 2.x resolves through stores.default; add "default": "<store name>"${opts.defaultStore ? ` (the project setting says "${opts.defaultStore}")` : ''}.`,
    });
  }
  for (const name of names) {
    const spec = stores[name];
    if (!isObject(spec)) continue;
    for (const k of STORE_SECRETS) {
      if (typeof spec[k] === 'string' && spec[k] !== '' && !name.includes('.')) {
        issues.push({
          code: 'DJ153',
          path: ['stores', name, k],
          message: `stores.${name}.${k} is in datajoint.json, which is meant to be committed; move it to .secrets/stores.${name}.${k} (git-ignored).`,
        });
      }
    }
  }
  return issues;
}

/**
 * Moves one credential of a datajoint.json into its `.secrets/` file and deletes the property. Offered
 * only when the caller can tell the secret file does not exist yet: otherwise the value would be removed
 * from the JSON while a different one stays in .secrets/.
 */
function moveCredentialFix(
  file: string,
  data: Record<string, unknown>,
  p: JsonPath,
  ctx: Locator,
  opts: ConfigFileOptions,
): Finding['fix'] {
  if (!opts.exists) return undefined;
  let value: unknown = data;
  for (const k of p) value = isObject(value) ? value[k] : undefined;
  if (typeof value !== 'string' || value !== value.trim() || value.includes('\n')) return undefined;
  const name = p.length === 1 ? p[0] : p.join('.');
  const secretsDir = path.join(path.dirname(file), '.secrets');
  const secretPath = path.join(secretsDir, name);
  if (opts.exists(secretPath)) return undefined;
  const edit = ctx.removeProperty(p);
  if (!edit) return undefined;
  const fileOps: FileOp[] = [];
  if (!opts.exists(path.join(secretsDir, '.gitignore')))
    fileOps.push({ kind: 'create', path: path.join(secretsDir, '.gitignore'), content: SECRETS_GITIGNORE });
  fileOps.push({ kind: 'create', path: secretPath, content: value + '\n' });
  return { title: `Move ${name} to .secrets/${name}`, edits: [edit], fileOps };
}

/** `.secrets/datajoint.json` (from the migration guide): offer the one-value files 2.x actually reads. */
function analyzeSecretsJson(
  file: string,
  data: Record<string, unknown>,
  ctx: Locator,
  opts: ConfigFileOptions,
): Finding[] {
  const exists = opts.exists ?? (() => false);
  const dir = path.dirname(file);
  const secrets: SecretFile[] = [];
  const ignored: string[] = [];
  const take = (name: string, v: unknown) => {
    const isSecretName =
      name === 'database.user' || name === 'database.password' || /^stores\.[^.]+\.[^.]+$/.test(name);
    if (!isSecretName) ignored.push(name);
    else if (typeof v === 'string' || typeof v === 'number') secrets.push({ name, value: String(v) });
  };
  for (const [k, v] of Object.entries(data)) {
    if (isObject(v)) {
      for (const [k2, v2] of Object.entries(v)) {
        if (k === 'stores' && isObject(v2)) for (const [k3, v3] of Object.entries(v2)) take(`stores.${k2}.${k3}`, v3);
        else take(`${k}.${k2}`, v2);
      }
    } else take(k, v);
  }
  const todo = secrets.filter((s) => !exists(path.join(dir, s.name)));
  const msg =
    `DataJoint 2.x never reads .secrets/datajoint.json (the migration guide is wrong here); it reads one value per file: .secrets/database.user, .secrets/database.password, .secrets/stores.<name>.<attr>.` +
    (ignored.length ? ` Not secrets and not carried over: ${ignored.join(', ')} (put them in datajoint.json).` : '');
  const f = ctx.fileFinding('DJ154', msg);
  if (todo.length) {
    const ops: FileOp[] = [];
    if (!exists(path.join(dir, '.gitignore')))
      ops.push({ kind: 'create', path: path.join(dir, '.gitignore'), content: SECRETS_GITIGNORE });
    for (const s of todo) ops.push({ kind: 'create', path: path.join(dir, s.name), content: s.value + '\n' });
    f.fix = { title: `Write ${todo.map((s) => s.name).join(', ')} as one-value files`, edits: [], fileOps: ops };
  }
  return [f];
}

/** Turns issue paths into offsets in the file text. */
class Locator {
  private readonly ranges: ReturnType<typeof propertyRanges>;
  constructor(private readonly text: string) {
    this.ranges = propertyRanges(text);
  }

  fileFinding(code: string, message: string): Finding {
    const start = Math.max(0, this.text.search(/\S/));
    return finding(code, message, start, Math.min(this.text.length, start + 1));
  }

  /** The edit deleting one property together with the comma that separates it from a neighbour. */
  removeProperty(p: JsonPath): TextEdit | undefined {
    const r = this.ranges.get(JSON.stringify(p));
    if (!r) return undefined;
    const t = this.text;
    let after = r.valueEnd;
    while (after < t.length && /\s/.test(t[after])) after++;
    if (t[after] === ',') {
      after++;
      while (after < t.length && /\s/.test(t[after])) after++;
      return { start: r.keyStart, end: after, text: '' };
    }
    let before = r.keyStart;
    while (before > 0 && /\s/.test(t[before - 1])) before--;
    if (t[before - 1] === ',') return { start: before - 1, end: r.valueEnd, text: '' };
    return { start: before, end: r.valueEnd, text: '' }; // the only property: keep the braces
  }

  toFinding(issue: ConfigIssue): Finding {
    const r = issue.path.length ? this.ranges.get(JSON.stringify(issue.path)) : undefined;
    const f = r
      ? finding(issue.code, issue.message, r.keyStart, r.keyEnd)
      : this.fileFinding(issue.code, issue.message);
    if (issue.severity) f.severity = issue.severity;
    return f;
  }
}

function finding(code: string, message: string, start: number, end: number): Finding {
  const meta = CONFIG_RULES.get(code);
  if (!meta) throw new Error(`unknown config rule ${code}`);
  const severity: Severity = meta.severity;
  return { code, message, start, end, severity, safety: meta.safety, phase: meta.phase };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
