// Notebook writes replace only the sources of changed cells; every other byte of the .ipynb stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readNotebook, writeNotebook } from '../../server/src/notebook';
import { replaceSources, sourceSpans } from '../../server/src/notebookJson';

const NB = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1.0,
   "metadata": {"tags": ["caf\\u00e9"]},
   "outputs": [],
   "source": []
  },
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": [
    "import datajoint as dj\\n",
    "s = dj.schema(\\"a\\")"
   ]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": "t = dj.schema(\\"b\\")"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}`;

test('sourceSpans finds each cell source value', () => {
  const spans = sourceSpans(NB);
  assert.deepEqual(
    spans.map((s) => (s ? NB.slice(s[0], s[1]).slice(0, 12) : null)),
    ['[]', '[\n    "impor', '"t = dj.sche'],
  );
});

test('an edit in one cell rewrites only that source, in its own layout; untouched `[]` and escapes stay', () => {
  const nb = readNotebook(NB);
  const out = writeNotebook(nb, nb.text.replace('dj.schema("a")', 'dj.Schema("a")'));
  assert.equal(out, NB.replace('s = dj.schema(\\"a\\")', 's = dj.Schema(\\"a\\")'));
  const out2 = writeNotebook(nb, nb.text.replace('dj.schema("b")', 'dj.Schema("b")'));
  assert.equal(out2, NB.replace('"t = dj.schema(\\"b\\")"', '"t = dj.Schema(\\"b\\")"'));
  assert.equal(writeNotebook(nb, nb.text), NB, 'no change, same bytes');
});

test('an empty cell that gets content is written as Jupyter lists lines; CRLF files keep CRLF', () => {
  const crlf = NB.replace(/\n/g, '\r\n');
  const out = replaceSources(crlf, new Map([[0, 'import datajoint as dj\nx = 1']]), 1);
  assert.match(out, /"source": \[\r\n {4}"import datajoint as dj\\n",\r\n {4}"x = 1"\r\n {3}\]/);
  assert.equal(out.replace(/"source": \[\r\n[^\]]*\]/, '"source": []'), crlf);
  assert.throws(() => sourceSpans('{"cells": [ {"source": [}'), /offset/);
});
