// PEP 263 reading and same-encoding writing: bytes outside edits stay identical; invalid input is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSource, declaredEncoding, encodeSource, firstInvalidUtf8 } from '../../server/src/python/encoding';

function decoded(buf: Buffer) {
  const r = decodeSource(buf);
  assert.ok('text' in r, 'skipped' in r ? r.skipped : '');
  return r;
}

test('latin-1 cookie: every byte 0x80-0xff decodes and round-trips; an edit leaves the other bytes identical', () => {
  const head = Buffer.from('# -*- coding: latin-1 -*-\nx = "', 'latin1');
  const all = Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i));
  const tail = Buffer.from('"\nschema = dj.schema("a")  # \xe9\xfc\n', 'latin1');
  const buf = Buffer.concat([head, all, tail]);
  const r = decoded(buf);
  assert.equal(r.encoding.name, 'latin-1');
  assert.ok(encodeSource(r.text, r.encoding).equals(buf));
  const edited = r.text.replace('dj.schema(', 'dj.Schema(');
  const out = encodeSource(edited, r.encoding);
  assert.equal(out.length, buf.length);
  const diff = [...out].flatMap((b, i) => (b === buf[i] ? [] : [i]));
  assert.deepEqual(diff, [buf.indexOf('dj.schema(') + 3], 'only the "s" of schema changed');
  assert.throws(() => encodeSource(`${r.text}→`, r.encoding), /cannot be written in latin-1/);
});

test('cp1252 (vim fileencoding) and iso-8859-15: decoded through their tables, written back byte for byte', () => {
  for (const [cookie, bytes, chars] of [
    ['# vim: set fileencoding=cp1252 :', [0x80, 0x93, 0x94, 0xe9], '€“”é'],
    ['# coding=iso-8859-15', [0xa4, 0xe9], '€é'],
  ] as const) {
    const buf = Buffer.concat([Buffer.from(`${cookie}\ns = "`), Buffer.from(bytes), Buffer.from('"\n')]);
    const r = decoded(buf);
    assert.ok(r.text.includes(chars), r.text);
    assert.ok(encodeSource(r.text, r.encoding).equals(buf));
  }
});

test('UTF-8 with a byte order mark: the BOM is not part of the text and is written back', () => {
  const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('import datajoint as dj  # café\n')]);
  const r = decoded(buf);
  assert.equal(r.encoding.bom, true);
  assert.ok(r.text.startsWith('import'));
  assert.ok(encodeSource(r.text, r.encoding).equals(buf));
});

test('cookie on line 2 only after a comment line; PEP 263 spellings', () => {
  const enc = (s: string) => declaredEncoding(Buffer.from(s, 'latin1'));
  assert.deepEqual(enc('#!/usr/bin/env python\n# -*- coding: Latin_1 -*-\n'), {
    encoding: { name: 'latin-1', bom: false },
  });
  assert.deepEqual(enc('import os\n# coding: latin-1\n'), { encoding: { name: 'utf-8', bom: false } });
  assert.match(JSON.stringify(enc('# coding: euc-jp\n')), /cannot rewrite/);
  assert.match(
    JSON.stringify(
      declaredEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# coding: latin-1\n')])),
    ),
    /byte order mark/,
  );
});

test('invalid UTF-8 is refused with the offending byte and offset, never decoded with replacement characters', () => {
  const buf = Buffer.from('import datajoint as dj\n# caf\xe9\n', 'latin1');
  const r = decodeSource(buf);
  assert.ok('skipped' in r);
  assert.match(r.skipped, /not valid UTF-8 \(byte 0xe9 at offset 28\)/);
  assert.equal(firstInvalidUtf8(Buffer.from('ok é 😀')), -1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1, 'overlong');
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, 'surrogate');
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82])), 1, 'truncated');
  const cp = decodeSource(Buffer.from('# coding: cp1252\nx = "\x81"\n', 'latin1'));
  assert.ok('skipped' in cp && /0x81/.test(cp.skipped), 'a byte cp1252 leaves undefined (Python refuses it too)');
  const ascii = decodeSource(Buffer.from('# coding: ascii\nx = "\xe9"\n', 'latin1'));
  assert.ok('skipped' in ascii);
});

test('non-Python files are UTF-8 whatever their first lines say', () => {
  const r = decodeSource(Buffer.from('# coding: latin-1\ndatajoint==0.14.6\n'), false);
  assert.ok('text' in r && r.encoding.name === 'utf-8');
});
