// Jupyter notebooks: the code cells share one namespace, so they are analysed as one Python text —
// cells joined by a marker comment line, IPython magics replaced by Python of the same length (see magics.ts) —
// and findings are mapped back to their cell. Fixed text is split at the markers again.
import { pythonOfCell, restoreMagics } from './magics';
import { replaceSources } from './notebookJson';
import type { Finding } from './rules/meta';

const MARKER = '# ---- dj-migrate cell boundary ----';

interface Cell {
  index: number;
  start: number;
  source: string;
  magics: Array<[string, string]>;
}

export interface NotebookCells {
  /** The joined Python text of the code cells. */
  text: string;
  cells: Cell[];
  nb: { cells: Array<{ cell_type: string; source: string | string[] }>; metadata?: unknown; [k: string]: unknown };
  indent: number;
  /** The notebook's JSON text as read (edits replace only changed cells' sources in it). */
  json: string;
}

export function readNotebook(json: string): NotebookCells {
  const nb = JSON.parse(json) as NotebookCells['nb'];
  if (!nb || !Array.isArray(nb.cells)) throw new Error('not a Jupyter notebook (no "cells" array)');
  const language = (
    (nb.metadata as { kernelspec?: { language?: string } } | undefined)?.kernelspec?.language ?? 'python'
  ).toLowerCase();
  const cells: Cell[] = [];
  let text = '';
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code' || language !== 'python') return;
    const source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    if (cells.length) text += `\n${MARKER}\n`;
    const { python: blanked, magics } = pythonOfCell(source);
    cells.push({ index, start: text.length, source, magics });
    text += blanked;
  });
  const indent = /^\{\r?\n( +)"/.exec(json)?.[1].length ?? 1;
  return { text, cells, nb, indent, json };
}

/** The cell (position in `cells`) holding an offset of the joined text, and the offset inside it. */
export function cellAt(nb: NotebookCells, offset: number): { cell: number; offset: number } | null {
  for (let i = nb.cells.length - 1; i >= 0; i--) {
    const c = nb.cells[i];
    if (offset >= c.start) return offset <= c.start + c.source.length ? { cell: i, offset: offset - c.start } : null;
  }
  return null;
}

/** Findings whose range or fix would reach outside a single cell lose their fix. */
export function confineToCells(nb: NotebookCells, findings: Finding[]): Finding[] {
  return findings.map((f) => {
    if (!f.fix) return f;
    const ok = f.fix.edits.every((e) => {
      const a = cellAt(nb, e.start);
      const b = cellAt(nb, e.end);
      return !!a && !!b && a.cell === b.cell;
    });
    return ok ? f : { ...f, fix: undefined };
  });
}

/** Put fixed joined text back into the notebook: only the sources of changed cells are rewritten. */
export function writeNotebook(nb: NotebookCells, fixedText: string): string {
  const parts = fixedText.split(`\n${MARKER}\n`);
  if (parts.length !== nb.cells.length) throw new Error('a fix removed a notebook cell boundary');
  const changed = new Map<number, string>();
  nb.cells.forEach((c, i) => {
    let src = parts[i];
    src = restoreMagics(src, c.magics);
    if (src !== c.source) changed.set(c.index, src);
  });
  return changed.size ? replaceSources(nb.json, changed, nb.indent) : nb.json;
}
