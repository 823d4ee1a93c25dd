// The --where guard (client/src/db/where.ts): conditions a restriction needs pass; anything that could
// escape the caller's parentheses, run a second statement or have a side effect is refused before the
// server sees it. The database side (the OUTFILE attack through the CLI) is in test/db/where.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCondition, tokenizeCondition } from '../../client/src/db/where';
import { DbInputError } from '../../client/src/db/sql';

const refused = (text: string, re: RegExp) =>
  assert.throws(
    () => checkCondition(text),
    (e: Error) => e instanceof DbInputError && re.test(e.message),
    `${JSON.stringify(text)} must be refused with ${re}`,
  );

test('ordinary restrictions pass', () => {
  for (const ok of [
    'subject_id = 101',
    'subject_id = 101 AND session_idx = 0',
    "experimenter = 'O''Brien'",
    "experimenter = 'a;b # c -- d /* e */'",
    'experimenter = "say \\"hi\\" ; -- not a comment"',
    "notes LIKE '%\\'%' OR notes = 'it''s'",
    '`select` = 1 AND `into` = 2 AND `my``col` = 3',
    "subject_id IN (SELECT subject_id FROM `lab`.`subject` WHERE sex = 'F')",
    'EXISTS (SELECT 1 FROM lab.subject AS s WHERE s.subject_id = subject_id)',
    "session_date BETWEEN '2020-01-01' AND DATE_ADD('2020-01-01', INTERVAL 1 MONTH)",
    "REPLACE(notes, 'a', 'b') = 'x' AND INSERT(notes, 1, 2, 'z') <> '' AND TRUNCATE(weight, 2) > 1.5",
    "x > -1 AND y < 1e-3 AND z = 0x1F AND w = b'101'",
    "params->>'$.rate' = '30' AND JSON_EXTRACT(params, '$.a[0]') IS NOT NULL",
    "CAST(subject_id AS CHAR CHARACTER SET utf8mb4) = N'101'",
    'NOT (a = 1) XOR (b <=> NULL)',
    '((((a = 1))))',
    'größe = 3',
  ])
    assert.doesNotThrow(() => checkCondition(ok), ok);
});

test('the OUTFILE attack and other ways out of the parentheses are refused', () => {
  refused("1=1) INTO OUTFILE 'out.txt' #", /comments \(#\)/);
  refused("1=1) INTO OUTFILE 'out.txt' -- ", /comments/);
  refused("1=1) INTO OUTFILE 'out.txt' WHERE (1=1", /closes a parenthesis that was never opened/);
  refused('1=1) UNION SELECT 1 FROM mysql.user WHERE (1=1', /closes a parenthesis/);
  refused("1=1 INTO OUTFILE '/tmp/x'", /INTO/);
  refused("(1=1 INTO DUMPFILE '/tmp/x')", /INTO/);
  refused('(1=1', /never closed/);
  refused('((1=1)', /1 parenthesis is never closed/);
  refused('a = 1)) OR ((1', /never opened/);
  refused(')(', /never opened/);
});

test('comments of every kind are refused, including executable and hint comments', () => {
  refused('a = 1 # rest', /comments \(#\)/);
  refused('a = 1 -- rest', /comments \(--\)/);
  refused('a = 1 --\trest', /comments/);
  refused('a = 1--1', /comments/);
  refused('a = 1 /* x */', /comments \(\/\*\)/);
  refused('a = 1 /*! INTO OUTFILE "/tmp/x" */', /comments/);
  refused('a = 1 /*+ MAX_EXECUTION_TIME(1) */', /comments/);
  refused('a = 1 /* unterminated', /comments/);
});

test('quotes are read the way the server reads them', () => {
  refused("a = 'unterminated", /quote that starts at character 5 is never closed/);
  refused("a = 'ends with an escaped quote\\'", /never closed/);
  refused('a = "x', /never closed/);
  refused('`a = 1', /never closed/);
  // A backslash escapes in strings, not in backtick identifiers: `a\` is a complete identifier.
  assert.equal(tokenizeCondition('`a\\` = 1')[0].text, '`a\\`');
  // 'it''s' is one string; the # after it is a real comment.
  refused("a = 'it''s' # x", /comments/);
  // The quote characters hidden in a string do not open anything.
  assert.doesNotThrow(() => checkCondition('a = \'")`\' AND b = "\'"'));
  assert.deepEqual(
    tokenizeCondition("a='x''y' AND `b``c`=\"q\\\"\"").map((t) => t.kind),
    ['word', 'op', 'string', 'word', 'quoted', 'op', 'string'],
  );
});

test('statements, variables and placeholders are refused', () => {
  refused('1; DROP TABLE x', /single condition/);
  refused('a = 1;', /;/);
  refused('(@x := 1) = 1', /variables/);
  refused('a := 1', /assignment/);
  refused('@x = 1', /variables/);
  refused('@@version LIKE "10%"', /variables/);
  refused('a = ?', /placeholders/);
  refused('a = 1 AND b = \\N', /unexpected character/);
  refused('a = {d "2020-01-01"}', /unexpected character/);
  refused('DELETE FROM lab.subject', /DELETE is a statement/);
  refused('a IN (UPDATE x SET y = 1)', /UPDATE/);
  refused('a = 1 AND DO 1', /DO is a statement/);
  refused('CALL p()', /CALL/);
  refused('a IN (SELECT b FROM t FOR UPDATE)', /UPDATE/);
  refused('a IN (SELECT b FROM t LOCK IN SHARE MODE)', /LOCK|SHARE/);
  refused('a IN (SELECT b FROM t FOR SHARE)', /SHARE/);
  refused('a IN (SELECT b FROM t PROCEDURE ANALYSE())', /PROCEDURE/);
  refused('a IN (SELECT 1 UNION SELECT 2)', /UNION/);
  refused('a IN (SELECT 1 EXCEPT SELECT 2)', /EXCEPT/);
  refused('a IN (SELECT 1 INTERSECT SELECT 2)', /INTERSECT/);
  refused('a IN (SELECT b INTO @v FROM t)', /INTO|variables/);
  refused('into = 1', /column named into is written `into`/);
});

test('functions with side effects, and stored functions, are refused', () => {
  refused('SLEEP(10) = 0', /SLEEP\(\) has side effects/);
  refused('sleep (10) = 0', /SLEEP/);
  refused('BENCHMARK(1e9, MD5(1)) = 0', /BENCHMARK/);
  refused("GET_LOCK('x', 10) = 1", /GET_LOCK/);
  refused("release_lock('x')", /RELEASE_LOCK/);
  refused("LOAD_FILE('/etc/passwd') IS NULL", /LOAD_FILE/);
  refused('NEXTVAL(s) > 0', /NEXTVAL/);
  refused('SETVAL(s, 10) > 0', /SETVAL/);
  refused('NEXT VALUE FOR s > 0', /VALUE FOR/);
  refused('LAST_INSERT_ID(5) = 5', /LAST_INSERT_ID/);
  refused("MASTER_POS_WAIT('f', 4) = 0", /MASTER_POS_WAIT/);
  refused('lab.writes_things(1) = 1', /stored functions/);
  refused('`lab`.`fn` (1) = 1', /stored functions/);
  refused('a = 1 AND lab . fn(2)', /stored functions/);
  // A qualified column is not a call.
  assert.doesNotThrow(() => checkCondition('s.subject_id IN (1, 2) AND `lab`.`subject`.`sex` = "F"'));
});

test('empty conditions are refused', () => {
  refused('', /empty/);
  refused('   \n', /empty/);
});
