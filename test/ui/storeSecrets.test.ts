import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { parseStores } from '../../client/src/db/stores';
import {
  encodeStoreSecret,
  s3StoresWithoutCredentials,
  storeSecretKey,
  withStoreSecrets,
} from '../../client/src/ui/storeSecrets';

test('S3 stores without credentials in their settings take them from secret storage, per connection', async () => {
  const stores = parseStores({
    stores: {
      local: { protocol: 'file', location: '/data' },
      inline: { protocol: 's3', endpoint: 'h:9000', bucket: 'b', location: 'l', access_key: 'AK1', secret_key: 'SK1' },
      cloud: { protocol: 's3', endpoint: 'h:9000', bucket: 'b', location: 'c' },
      other: { protocol: 's3', endpoint: 'h:9000', bucket: 'b', location: 'o' },
    },
  });
  assert.deepEqual(s3StoresWithoutCredentials(stores), ['cloud', 'other']);
  const saved = new Map([
    [storeSecretKey('conn1', 'cloud'), encodeStoreSecret('AK2', 'SK2')],
    [storeSecretKey('conn2', 'other'), encodeStoreSecret('AK3', 'SK3')],
    [storeSecretKey('conn1', 'other'), 'not json'],
  ]);
  const got = await withStoreSecrets(stores, 'conn1', { get: async (k) => saved.get(k) });
  assert.equal(got.cloud.credentials?.accessKeyId, 'AK2');
  assert.equal(got.cloud.credentials?.secretAccessKey, 'SK2');
  assert.equal(got.cloud.credentials?.source, 'secret storage');
  assert.equal(got.other.credentials, undefined, 'another connection’s entry and an unreadable one are not used');
  assert.equal(got.inline.credentials?.secretAccessKey, 'SK1', 'the settings file wins');
  assert.equal(stores.cloud.credentials, undefined, 'the loaded settings are not changed');
  for (const text of [JSON.stringify(got), inspect(got, { depth: 5 }), `${got.cloud.credentials}`])
    assert.doesNotMatch(text, /SK1|SK2/);
});
