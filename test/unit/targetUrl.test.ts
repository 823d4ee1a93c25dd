// --target URL parsing and the password rules (client/src/db/connect/target.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeTarget, parseTargetUrl, resolveTarget } from '../../client/src/db/connect/target';

test('mysql:// and postgresql:// URLs: host, port (default per dialect), user, database', () => {
  assert.deepEqual(parseTargetUrl('mysql://root@db.example.org:3307'), {
    dialect: 'mysql',
    host: 'db.example.org',
    port: 3307,
    user: 'root',
  });
  assert.deepEqual(parseTargetUrl('mysql://root@10.0.0.5'), {
    dialect: 'mysql',
    host: '10.0.0.5',
    port: 3306,
    user: 'root',
  });
  assert.deepEqual(parseTargetUrl('postgresql://postgres@127.0.0.1:5432/lab_v2'), {
    dialect: 'postgresql',
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'lab_v2',
  });
  assert.equal(parseTargetUrl('postgres://u@h/d').port, 5432);
  assert.equal(parseTargetUrl('postgresql://u@[::1]:6000/d').host, '::1');
  assert.equal(parseTargetUrl('postgresql://dj%40lab@h/my%20db').user, 'dj@lab');
  assert.equal(parseTargetUrl('postgresql://u@h/my%20db').database, 'my db');
  assert.equal(describeTarget(parseTargetUrl('postgresql://u@[::1]:6000/d')), 'postgresql://u@[::1]:6000/d');
});

test('malformed targets are refused with what to write instead', () => {
  const bad: [string, RegExp][] = [
    ['db.example.org', /not a URL/],
    ['http://root@h', /unsupported scheme "http"/],
    ['mysql://root:secret@h', /must not contain a password.*DJ_TARGET_PASS/],
    ['mysql://h:3306', /needs a user/],
    ['mysql://root@h/lab', /names no database/],
    ['postgresql://postgres@h:5432', /name the database/],
    ['postgresql://postgres@h:5432/', /name the database/],
    ['postgresql://postgres@h/a/b', /contains a slash/],
    ['postgresql://postgres@h/d?sslmode=require', /no query string/],
    ['mysql://root@h:99999', /not a URL|bad port/],
  ];
  for (const [url, why] of bad) assert.throws(() => parseTargetUrl(url), why, url);
});

test('password: DJ_TARGET_PASS (empty counts), else the prompt, else empty; --target-ca implies TLS', async () => {
  const url = 'postgresql://postgres@127.0.0.1/x';
  let asked = 0;
  const prompt = async () => {
    asked++;
    return 'typed';
  };
  assert.equal((await resolveTarget({ target: url }, { DJ_TARGET_PASS: 's3' }, prompt)).password, 's3');
  assert.equal((await resolveTarget({ target: url }, { DJ_TARGET_PASS: '' }, prompt)).password, '');
  assert.equal(asked, 0);
  assert.equal((await resolveTarget({ target: url }, { DJ_PASS: 'source' }, prompt)).password, 'typed');
  assert.equal(asked, 1);
  assert.equal((await resolveTarget({ target: url }, {})).password, '');
  const plain = await resolveTarget({ target: url }, {});
  assert.equal(plain.tls, false);
  assert.equal((await resolveTarget({ target: url, tls: true }, {})).tls, true);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djm-ca-'));
  try {
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const withCa = await resolveTarget({ target: url, caFile: ca }, {});
    assert.equal(withCa.tls, true);
    assert.match(withCa.ca ?? '', /BEGIN CERTIFICATE/);
    const junk = path.join(dir, 'junk.pem');
    fs.writeFileSync(junk, 'hello');
    await assert.rejects(resolveTarget({ target: url, caFile: junk }, {}), /holds no PEM certificate/);
    await assert.rejects(
      resolveTarget({ target: url, caFile: path.join(dir, 'missing.pem') }, {}),
      /--target-ca .*missing/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
