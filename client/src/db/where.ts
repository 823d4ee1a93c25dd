// A user's `--where` (the root condition of a restricted copy) is pasted into SQL as text: it is the one
// place where user SQL reaches the server. Before it does, prove it is a single boolean expression that
// cannot escape its parentheses or have side effects, with a small tokenizer that reads it the way the
// server will (MySQL 8 and MariaDB, under the session sql_mode dj-migrate sets: backslash escapes on,
// ANSI_QUOTES and IGNORE_SPACE off). Refused, with the reason:
// - comments (`#`, `-- `, `/* */`, including `/*! … */` executable comments and `/*+ … */` hints), and any
//   `--` (MySQL reads `--` followed by a space as a comment, `--1` as minus minus: not worth guessing);
// - unterminated quotes, unbalanced parentheses (a `)` that would close the caller's `WHERE (`);
// - `;` (a second statement), `?` (a placeholder would take the caller's parameters), `\` and other
//   characters an expression has no use for;
// - variables: `@x`, `@@x` and `:=` (assignment, and reading session state that changes under the copy);
// - `INTO` (`INTO OUTFILE`/`DUMPFILE`/`@var`), `UNION`/`EXCEPT`/`INTERSECT`, locking reads (`FOR UPDATE`,
//   `LOCK IN SHARE MODE`, `FOR SHARE`), `PROCEDURE`, and statement words (`INSERT`, `UPDATE`, `DELETE`, …)
//   unless they are the built-in function of the same name (`INSERT(`, `REPLACE(`, `TRUNCATE(`);
// - functions with side effects or that wait: SLEEP, BENCHMARK, GET_LOCK and friends, LOAD_FILE (reads a
//   server file), sequences (NEXTVAL, SETVAL, NEXT VALUE FOR), LAST_INSERT_ID(expr), replication waits;
// - stored functions (`schema.fn(…)`): they can write anything. dj-migrate's sessions have no default
//   database, so an unqualified call can only reach a built-in function.
// Subqueries that only read (`subject_id IN (SELECT … FROM …)`) stay allowed: restrictions need them.
import { DbInputError } from './sql';

type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | 'open' | 'close';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset in the condition, for messages. */
  at: number;
}

/** Statement keywords: refused unless immediately called as the built-in function of that name. */
const STATEMENT_WORDS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'REPLACE',
  'DROP',
  'CREATE',
  'ALTER',
  'TRUNCATE',
  'RENAME',
  'GRANT',
  'REVOKE',
  'CALL',
  'DO',
  'LOAD',
  'HANDLER',
  'PREPARE',
  'EXECUTE',
  'DEALLOCATE',
  'KILL',
  'LOCK',
  'UNLOCK',
  'SHUTDOWN',
  'OPTIMIZE',
  'ANALYZE',
  'REPAIR',
]);

/** Words that never belong in a read-only condition, wherever they appear. */
const REFUSED_WORDS: Record<string, string> = {
  INTO: 'INTO writes (a file or a variable)',
  OUTFILE: 'INTO OUTFILE writes a file on the server',
  DUMPFILE: 'INTO DUMPFILE writes a file on the server',
  UNION: 'UNION adds a second query',
  EXCEPT: 'EXCEPT adds a second query',
  INTERSECT: 'INTERSECT adds a second query',
  PROCEDURE: 'PROCEDURE runs a procedure',
  SHARE: 'locking reads (LOCK IN SHARE MODE, FOR SHARE) lock production rows',
  NOWAIT: 'locking reads lock production rows',
};

/** Built-in functions with side effects (writes, locks, waits, file reads). */
const SIDE_EFFECT_FUNCTIONS = new Set([
  'SLEEP',
  'BENCHMARK',
  'GET_LOCK',
  'RELEASE_LOCK',
  'RELEASE_ALL_LOCKS',
  'IS_USED_LOCK',
  'IS_FREE_LOCK',
  'LOAD_FILE',
  'NEXTVAL',
  'SETVAL',
  'LASTVAL',
  'LAST_INSERT_ID',
  'MASTER_POS_WAIT',
  'SOURCE_POS_WAIT',
  'MASTER_GTID_WAIT',
  'WAIT_FOR_EXECUTED_GTID_SET',
  'WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS',
  'SYS_EXEC',
  'SYS_EVAL',
]);

const OPERATOR_CHARS = '=<>!+-*/%&|^~,.';

function refuse(where: string, why: string): never {
  throw new DbInputError(
    `--where ${JSON.stringify(where)} is refused: ${why}; it must be a single condition on the table`,
  );
}

/** Split a condition into tokens, refusing what a single expression cannot contain. */
export function tokenizeCondition(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && next === '*') || (c === '-' && next === '-'))
      refuse(text, `comments (${c === '#' ? '#' : c + next}) are not allowed`);
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(text, i);
      if (end < 0) refuse(text, `the ${c} quote that starts at character ${i + 1} is never closed`);
      tokens.push({ kind: c === '`' ? 'quoted' : 'string', text: text.slice(i, end + 1), at: i });
      i = end + 1;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', text: c, at: i });
      i++;
      continue;
    }
    if (c === ';') refuse(text, 'a `;` would start another statement');
    if (c === '@') refuse(text, 'variables (@x, @@x) are not allowed');
    if (c === ':') refuse(text, next === '=' ? 'assignment (:=) is not allowed' : 'unexpected `:`');
    if (c === '?') refuse(text, 'placeholders (?) are not supported: write the value');
    const word = /^[A-Za-z0-9_$\u0080-\uffff]+/.exec(text.slice(i));
    if (word) {
      const kind: TokenKind = /^(\d+\.?\d*([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0b[01]+)$/.test(word[0]) ? 'number' : 'word';
      tokens.push({ kind, text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    if (OPERATOR_CHARS.includes(c)) {
      tokens.push({ kind: 'op', text: c, at: i });
      i++;
      continue;
    }
    refuse(text, `unexpected character ${JSON.stringify(c)} at ${i + 1}`);
  }
  return tokens;
}

/**
 * Index of the quote closing the one at `start`, or -1. A doubled quote stands for itself; in strings
 * (not in backtick identifiers) a backslash escapes the next character.
 */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quote !== '`') {
      i++;
      continue;
    }
    if (c !== quote) continue;
    if (text[i + 1] === quote) {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/**
 * Refuse a `--where` that is not provably one side-effect-free boolean expression (see the header).
 * Returns the tokens (for tests). Semantic errors (unknown columns, bad syntax inside the expression)
 * are left to the server, which checks the condition with `LIMIT 0` once it passed here.
 */
export function checkCondition(text: string): Token[] {
  if (!text.trim()) throw new DbInputError('--where is empty');
  const tokens = tokenizeCondition(text);
  let depth = 0;
  for (const [k, t] of tokens.entries()) {
    const after = tokens[k + 1];
    if (t.kind === 'open') depth++;
    if (t.kind === 'close' && --depth < 0)
      refuse(text, `the ) at character ${t.at + 1} closes a parenthesis that was never opened`);
    if (t.kind !== 'word') continue;
    const upper = t.text.toUpperCase();
    const calls = after?.kind === 'open' && after.at === t.at + t.text.length;
    const column = ` (a column named ${t.text} is written \`${t.text}\`)`;
    if (REFUSED_WORDS[upper]) refuse(text, REFUSED_WORDS[upper] + column);
    if (STATEMENT_WORDS.has(upper) && !calls) refuse(text, `${upper} is a statement, not a condition${column}`);
    if (SIDE_EFFECT_FUNCTIONS.has(upper)) refuse(text, `${upper}() has side effects (it writes, locks or waits)`);
    if (upper === 'FOR' && after?.kind === 'word' && after.text.toUpperCase() === 'UPDATE')
      refuse(text, 'FOR UPDATE locks production rows');
    if (upper === 'VALUE' && after?.kind === 'word' && after.text.toUpperCase() === 'FOR')
      refuse(text, 'NEXT/PREVIOUS VALUE FOR changes a sequence');
  }
  if (depth > 0) refuse(text, `${depth} parenthes${depth === 1 ? 'is is' : 'es are'} never closed`);
  // A stored function (`schema.fn(…)`, `schema`.`fn` (…)) can do anything.
  for (let k = 2; k < tokens.length; k++) {
    const [a, dot, name] = [tokens[k - 2], tokens[k - 1], tokens[k]];
    if (dot.text !== '.' || !['word', 'quoted'].includes(a.kind) || !['word', 'quoted'].includes(name.kind)) continue;
    if (tokens[k + 1]?.kind === 'open') refuse(text, `stored functions (${a.text}.${name.text}) may write`);
  }
  return tokens;
}
