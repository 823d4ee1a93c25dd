import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeConnection,
  importConnection,
  newConnectionId,
  readConnections,
  secretKey,
  validateHost,
  validateName,
  validatePort,
  validateUser,
  type ConnectionConfig,
} from '../../client/src/ui/connectionModel';

const lab: ConnectionConfig = { id: 'lab', name: 'Lab', host: 'db.lab.org', port: 3306, user: 'alice', tls: false };

describe('connection validation', () => {
  it('rejects empty and duplicate names, case-insensitively, but lets a connection keep its own name', () => {
    assert.match(validateName('  ', [lab]) ?? '', /name/);
    assert.match(validateName('lab', [lab]) ?? '', /already exists/);
    assert.equal(validateName('Lab', [lab], 'lab'), undefined);
    assert.equal(validateName('Other', [lab]), undefined);
  });

  it('checks hosts, ports and users the way a person mistypes them', () => {
    assert.match(validateHost('mysql://db') ?? '', /without a scheme/);
    assert.match(validateHost('db:3307') ?? '', /port separately/);
    assert.match(validateHost('d b') ?? '', /no spaces/);
    assert.equal(validateHost('[::1]'), undefined);
    assert.equal(validateHost('db.example.org'), undefined);
    assert.match(validatePort('0') ?? '', /between 1 and 65535/);
    assert.match(validatePort('70000') ?? '', /between/);
    assert.match(validatePort('33a') ?? '', /number/);
    assert.equal(validatePort('3307'), undefined);
    assert.match(validateUser('') ?? '', /user/);
    assert.equal(validateUser('root'), undefined);
  });

  it('derives unique ids from names', () => {
    assert.equal(newConnectionId('My Lab server!', []), 'my-lab-server');
    assert.equal(newConnectionId('Lab', [lab]), 'lab-2');
    assert.equal(newConnectionId('Lab', [lab, { ...lab, id: 'lab-2' }]), 'lab-3');
    assert.equal(newConnectionId('%%%', []), 'connection');
    assert.equal(secretKey('lab'), 'datajoint.conn:lab');
  });
});

describe('readConnections (settings edited by hand)', () => {
  it('keeps usable entries, reports the rest, and never keeps a password field', () => {
    const { connections, problems } = readConnections([
      { id: 'a', name: 'A', host: 'h', user: 'u', password: 'hunter2' },
      { name: 'B', host: 'h', user: 'u', port: 3307, tls: true, storesFile: 'dj_local_conf.json' },
      { name: 'C', host: '', user: 'u' },
      { name: 'D', host: 'h', user: 'u', port: 99999 },
      'nonsense',
      { id: 'a', name: 'A again', host: 'h', user: 'u' },
    ]);
    assert.deepEqual(connections, [
      { id: 'a', name: 'A', host: 'h', port: 3306, user: 'u', tls: false },
      { id: 'b', name: 'B', host: 'h', port: 3307, user: 'u', tls: true, storesFile: 'dj_local_conf.json' },
    ]);
    assert.equal(JSON.stringify(connections).includes('hunter2'), false);
    assert.equal(problems.length, 5);
    assert.match(problems[0], /password.*ignored/);
    assert.match(problems.join('\n'), /\[2\] host/);
    assert.match(problems.join('\n'), /\[3\] port/);
    assert.match(problems.join('\n'), /\[4\] is not an object/);
    assert.match(problems.join('\n'), /repeats the id "a"/);
    assert.deepEqual(readConnections({}), { connections: [], problems: ['datajoint.connections is not a list'] });
  });

  it('describes a connection without its password', () => {
    assert.equal(describeConnection({ ...lab, tls: true }), 'alice@db.lab.org:3306 (TLS)');
  });
});

describe('importConnection', () => {
  it('reads a 0.14.6 dj_local_conf.json with flat dotted keys and host:port', () => {
    const r = importConnection(
      JSON.stringify({
        'database.host': 'db.lab.org:3307',
        'database.user': 'alice',
        'database.password': 's3cret',
        'database.use_tls': null,
        stores: { raw: { protocol: 'file', location: '/x' } },
      }),
    );
    assert.deepEqual(r, {
      host: 'db.lab.org',
      port: 3307,
      user: 'alice',
      tls: false,
      password: 's3cret',
      hasStores: true,
    });
  });

  it('reads a 2.x datajoint.json with nested objects, without a password', () => {
    const r = importConnection(
      JSON.stringify({ database: { host: '10.0.0.5', port: 3310, user: 'bob', use_tls: true } }),
    );
    assert.deepEqual(r, { host: '10.0.0.5', port: 3310, user: 'bob', tls: true, hasStores: false });
  });

  it('explains what is wrong with a file it cannot use', () => {
    assert.throws(() => importConnection('{'), /not valid JSON/);
    assert.throws(() => importConnection('[]'), /not a JSON object/);
    assert.throws(() => importConnection('{"database.user":"x"}'), /no database.host/);
    assert.throws(() => importConnection('{"database.host":"h","database.port":"abc"}'), /not a port number/);
  });
});
