// S3 store credentials kept in VS Code's SecretStorage, one entry per connection and store, for stores whose
// settings file carries no access key pair. No `vscode` here: the SecretStorage is passed in (unit-tested).
import { StoreCredentials, type StoreMap } from '../db/stores';

/** The part of vscode.SecretStorage this needs. */
export interface SecretReader {
  get(key: string): PromiseLike<string | undefined>;
}

export function storeSecretKey(connId: string, store: string): string {
  return `datajoint.store:${connId}:${store}`;
}

/** S3 stores whose settings give no access key pair (they use the secret storage, else the environment). */
export function s3StoresWithoutCredentials(stores: StoreMap): string[] {
  return Object.values(stores)
    .filter((s) => s.protocol === 's3' && !s.credentials)
    .map((s) => s.name)
    .sort();
}

/** What is stored: both keys as JSON. */
export function encodeStoreSecret(accessKey: string, secretKey: string): string {
  return JSON.stringify({ access_key: accessKey, secret_key: secretKey });
}

function decodeStoreSecret(text: string | undefined): { accessKey: string; secretKey: string } | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as { access_key?: unknown; secret_key?: unknown };
    if (typeof v.access_key === 'string' && typeof v.secret_key === 'string' && v.access_key && v.secret_key)
      return { accessKey: v.access_key, secretKey: v.secret_key };
  } catch {
    // an unreadable entry is treated as absent
  }
  return null;
}

/** The stores with credentials from the secret storage filled in where the settings file had none. */
export async function withStoreSecrets(stores: StoreMap, connId: string, secrets: SecretReader): Promise<StoreMap> {
  const out: StoreMap = { ...stores };
  for (const name of s3StoresWithoutCredentials(stores)) {
    const pair = decodeStoreSecret(await secrets.get(storeSecretKey(connId, name)));
    if (pair)
      out[name] = {
        ...stores[name],
        credentials: new StoreCredentials(pair.accessKey, pair.secretKey, 'secret storage'),
      };
  }
  return out;
}
