// 0.14.6 settings (dj_local_conf.json / ~/.datajoint_config.json: flat dotted keys plus a nested `stores`)
// → a 2.x datajoint.json (nested groups) plus one-value `.secrets/` files, with every key that does not
// carry over reported. Pure: values in, values out.
import type { Severity } from '../meta';
import type { JsonPath } from './jsonText';
import { CARRIED, REMOVED, SECRET_KEYS, STORE_KEYS_014, STORE_POINTERS, STORE_SECRETS, VALUE_CHECKS } from './keys';

export interface ConfigIssue {
  code: string;
  /** The property the issue is about ([] for the file as a whole). */
  path: JsonPath;
  message: string;
  /** Overrides the rule's severity (e.g. a removed key still at its default is only information). */
  severity?: Severity;
}

export interface SecretFile {
  /** File name inside `.secrets/`, e.g. `database.password` or `stores.raw.secret_key`. */
  name: string;
  value: string;
}

export interface Converted {
  config: Record<string, unknown>;
  secrets: SecretFile[];
  issues: ConfigIssue[];
}

export interface ConvertOptions {
  /** The store a bare `<blob@>` / `<attach@>` should use (project setting `default-store`). */
  defaultStore?: string;
  /** Whether any definition uses a bare `<x@>` codec, so that `stores.default` is needed. */
  bareStoreCodecUsed?: boolean;
}

const GROUP_ORDER = ['database', 'connection', 'display'];
const TOP_ORDER = ['loglevel', 'safemode', 'query_cache'];

export function convert014(data: Record<string, unknown>, opts: ConvertOptions = {}): Converted {
  const groups: Record<string, Record<string, unknown>> = {};
  const top: Record<string, unknown> = {};
  const secrets: SecretFile[] = [];
  const issues: ConfigIssue[] = [];
  let stores: Record<string, unknown> | undefined;

  for (const [key, value] of Object.entries(data)) {
    const path = [key];
    if (key in CARRIED) {
      const { check, expect } = VALUE_CHECKS[key];
      if (key === 'database.use_tls' && isObject(value)) {
        issues.push({
          code: 'DJ150',
          path,
          message: `database.use_tls holds TLS options ${JSON.stringify(value)}; a 2.x datajoint.json accepts only true, false or null. Pass the options in code instead: dj.Connection(host, user, password, use_tls={…}).`,
        });
        continue;
      }
      if (!check(value)) {
        issues.push({
          code: 'DJ152',
          path,
          message: `${key} is ${JSON.stringify(value)}; 2.x expects ${expect} and would stop loading the file at this key, so it is left out of datajoint.json.`,
        });
        continue;
      }
      const [group, name] = CARRIED[key];
      const v = key === 'database.port' || key === 'display.limit' || key === 'display.width' ? Number(value) : value;
      if (group) (groups[group] ??= {})[name] = v;
      else top[name] = v;
    } else if ((SECRET_KEYS as readonly string[]).includes(key)) {
      if (value === null || value === undefined || value === '') continue;
      addSecret(secrets, issues, key, String(value), path);
    } else if (key in REMOVED) {
      const removed = REMOVED[key];
      const atDefault = removed.default !== undefined && JSON.stringify(removed.default) === JSON.stringify(value);
      issues.push({
        code: 'DJ141',
        path,
        severity: atDefault ? 'info' : undefined,
        message: atDefault
          ? `${key} (${JSON.stringify(value)}, the 0.14.6 default) is dropped; nothing to do. (${removed.why})`
          : `${key} = ${JSON.stringify(value)} is dropped: ${removed.why}`,
      });
    } else if (key === 'custom') {
      const inner = isObject(value) ? Object.keys(value) : [];
      issues.push({
        code: 'DJ142',
        path,
        message: `"custom"${inner.length ? ` (${inner.join(', ')})` : ''} has no 2.x equivalent: 2.x rejects unknown settings, dj.config.get("custom", {}) silently returns {} and "custom" in dj.config raises AttributeError (v2.2+). Keep these values in your own settings file or environment variables.`,
      });
    } else if (key === 'external.aws_access_key_id' || key === 'external.aws_secret_access_key') {
      issues.push({
        code: 'DJ143',
        path,
        message: `${key} was filled from DJ_AWS_${key.endsWith('key_id') ? 'ACCESS_KEY_ID' : 'SECRET_ACCESS_KEY'}; 2.x does not read these environment variables (0.14.6 never used them either). Put S3 credentials in .secrets/stores.<store>.access_key and .secrets/stores.<store>.secret_key, or DJ_STORES.`,
      });
    } else if (key === 'external' || key.startsWith('external-') || key.startsWith('external.')) {
      issues.push({
        code: 'DJ143',
        path,
        message: `"${key}" is a DataJoint 0.11 store setting that 0.14.6 already ignored (stores are configured under "stores"); it is dropped.`,
      });
    } else if (key === 'stores') {
      if (!isObject(value)) {
        issues.push({
          code: 'DJ152',
          path,
          message: `"stores" is ${JSON.stringify(value)}; it must be an object of named stores and is left out.`,
        });
        continue;
      }
      stores = convertStores(value, secrets, issues);
    } else {
      issues.push({
        code: 'DJ144',
        path,
        message: `"${key}" is not a DataJoint 0.14.6 setting${isObject(value) ? ' (0.14.6 reads flat dotted keys only, so this nested group was ignored)' : ''}; 2.x would ignore or reject it, so it is left out of datajoint.json.`,
      });
    }
  }

  if (opts.bareStoreCodecUsed) {
    const names = stores ? Object.keys(stores) : [];
    if (opts.defaultStore && names.includes(opts.defaultStore)) {
      stores = { default: opts.defaultStore, ...stores };
    } else {
      const hint = opts.defaultStore
        ? `The default-store setting names "${opts.defaultStore}", which this file does not define.`
        : names.length === 1
          ? `Set default-store = "${names[0]}" in the dj-migrate settings if that is the one.`
          : 'Set default-store in the dj-migrate settings.';
      issues.push({
        code: 'DJ149',
        path: stores ? ['stores'] : [],
        message: `Definitions use a bare <blob@>/<attach@>, which 2.x resolves through stores.default (a store name), but no default store is chosen. ${hint}`,
      });
    }
  }

  const config: Record<string, unknown> = {};
  for (const g of GROUP_ORDER) if (groups[g]) config[g] = groups[g];
  if (stores && Object.keys(stores).length) config.stores = stores;
  for (const k of TOP_ORDER) if (k in top) config[k] = top[k];
  return { config, secrets, issues };
}

function convertStores(
  stores: Record<string, unknown>,
  secrets: SecretFile[],
  issues: ConfigIssue[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(stores)) {
    const path = ['stores', name];
    if (STORE_POINTERS.includes(name)) {
      issues.push({
        code: 'DJ148',
        path,
        message: `A store named "${name}" cannot exist in 2.x: stores.${name} must hold the *name* of another store. Rename the store (its definitions' @${name}, the ~external_${name} migration's target store) and add it under the new name; it is left out of datajoint.json.`,
      });
      continue;
    }
    if (!isObject(spec)) {
      issues.push({
        code: 'DJ152',
        path,
        message: `stores.${name} is ${JSON.stringify(spec)}, not a store specification; it is left out.`,
      });
      continue;
    }
    const protocol = String(spec.protocol ?? '').toLowerCase();
    const allowed = STORE_KEYS_014[protocol];
    if (!allowed) {
      issues.push({
        code: 'DJ152',
        path,
        message: `stores.${name} has protocol ${JSON.stringify(spec.protocol)}; 0.14.6 supports "file" and "s3". It is left out.`,
      });
      continue;
    }
    const store: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec)) {
      if (!allowed.includes(k)) {
        issues.push({
          code: 'DJ152',
          path: [...path, k],
          message: `stores.${name}.${k} is not a valid ${protocol} store key (0.14.6 rejected it too); it is left out.`,
        });
        continue;
      }
      if (STORE_SECRETS.includes(k) && typeof v === 'string' && v !== '') {
        if (name.includes('.')) {
          store[k] = v;
          issues.push({
            code: 'DJ153',
            path: [...path, k],
            message: `The store name "${name}" contains a dot, so 2.x cannot read its ${k} from .secrets/ (the file name would be ambiguous); it stays in datajoint.json. Do not commit that file, or rename the store.`,
          });
        } else addSecret(secrets, issues, `stores.${name}.${k}`, v, [...path, k], store, k);
        continue;
      }
      store[k] = k === 'protocol' ? protocol : v;
    }
    if (!('subfolding' in spec)) {
      issues.push({
        code: 'DJ145',
        path,
        message: `stores.${name} uses the 0.14.6 default subfolding (2, 2): its blobs and attachments sit at <schema>/ab/cd/<hash>. 2.x defaults to no subfolding, and subfolding only affects new writes: migrated rows keep their stored path, so nothing moves and datajoint.json does not need the old value. Add "subfolding": [2, 2] only if you want new 2.x objects folded too.`,
      });
    } else {
      issues.push({
        code: 'DJ145',
        path: [...path, 'subfolding'],
        message: `stores.${name}.subfolding ${JSON.stringify(spec.subfolding)} is kept; in 2.x it only decides where new objects go (migrated rows keep their stored path).`,
      });
    }
    if (protocol === 's3') {
      if (!('secure' in spec)) {
        store.secure = false;
        issues.push({
          code: 'DJ146',
          path,
          message: `stores.${name}: 0.14.6 connected to S3 without TLS unless "secure" was set; 2.x defaults to secure=true. datajoint.json says "secure": false explicitly to keep the same endpoint behaviour; switch it to true if the endpoint serves HTTPS.`,
        });
      }
      if (typeof spec.location === 'string' && /^\/|\/$/.test(spec.location)) {
        store.location = spec.location.replace(/^\/+|\/+$/g, '');
        issues.push({
          code: 'DJ146',
          path: [...path, 'location'],
          message: `stores.${name}.location "${spec.location}" is written without leading/trailing "/" ("${store.location}"): 0.14.6 dropped the leading "/" from S3 object keys, and 2.x expects it absent.`,
        });
      }
    }
    if ('stage' in spec) {
      issues.push({
        code: 'DJ147',
        path: [...path, 'stage'],
        message: `stores.${name}.stage is accepted by 2.x but unused: <filepath@${name}> inserts take paths relative to the store location, and the file must already be there (no upload from stage).`,
      });
    }
    out[name] = store;
  }
  return out;
}

function addSecret(
  secrets: SecretFile[],
  issues: ConfigIssue[],
  name: string,
  value: string,
  path: JsonPath,
  fallback?: Record<string, unknown>,
  fallbackKey?: string,
): void {
  if (value !== value.trim() || value.includes('\n')) {
    // 2.x strips secret files when reading them, so such a value cannot survive the round trip.
    issues.push({
      code: 'DJ153',
      path,
      message: `${name} begins or ends with whitespace (or spans lines), which a .secrets/ file cannot hold (2.x strips it). ${name.startsWith('database.') ? 'Set it through DJ_USER/DJ_PASS instead.' : 'It stays in datajoint.json; do not commit that file.'}`,
    });
    if (fallback && fallbackKey) fallback[fallbackKey] = value;
    return;
  }
  secrets.push({ name, value });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
