import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqlLogFormatter } from '../../client/src/ui/sqlLog';

describe('SQL log lines', () => {
  it('inline parameters, one line per statement, with a timestamp', () => {
    const f = new SqlLogFormatter();
    const line = f.line(
      'SELECT *\n  FROM `a`.`b` WHERE x = ? AND y = ?',
      [5, "it's"],
      new Date('2026-01-02T03:04:05Z'),
    );
    assert.equal(line, "[2026-01-02T03:04:05.000Z] SELECT * FROM `a`.`b` WHERE x = 5 AND y = 'it\\'s'");
  });

  it('masks every registered secret, longest first, even inside user text', () => {
    const f = new SqlLogFormatter();
    f.addSecret('pw');
    f.addSecret('pw-long');
    f.addSecret('');
    const line = f.line("SELECT ? AS a, 'pw-long' AS b", ['xpwx']);
    assert.ok(!line.includes('pw'), line);
    assert.match(line, /'x••••••x' AS a, '••••••' AS b/);
    assert.equal(f.mask('nothing secret'), 'nothing secret');
  });

  it('bounds very long statements', () => {
    const f = new SqlLogFormatter();
    const line = f.line('INSERT INTO t VALUES (?)', [Buffer.alloc(10_000, 1)]);
    assert.ok(line.length < 4200, `length ${line.length}`);
    assert.match(line, /more characters\)$/);
  });
});
