// Offsets to human locations: 1-based line and column, and for notebooks the cell.
import { fileKind } from '../fileKind';
import { cellAt, readNotebook, type NotebookCells } from '../notebook';

export interface Location {
  line: number; // 1-based
  column: number; // 1-based, UTF-16 code units
  cell?: number; // 1-based index among all cells of a notebook
}

export class LineMap {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  offset(line: number, column: number): number {
    return (this.starts[line - 1] ?? this.text.length) + column - 1;
  }
}

/** Locates offsets of the text the engine analysed for `file` (for notebooks: the joined code cells). */
export function locator(file: string, text: string): (offset: number) => Location {
  if (fileKind(file) !== 'notebook') {
    const map = new LineMap(text);
    return (o) => map.at(o);
  }
  let nb: NotebookCells;
  try {
    nb = readNotebook(text);
  } catch {
    return () => ({ line: 1, column: 1 });
  }
  const maps = nb.cells.map((c) => new LineMap(c.source));
  return (o) => {
    const at = cellAt(nb, o);
    if (!at) return { line: 1, column: 1 };
    return { ...maps[at.cell].at(at.offset), cell: nb.cells[at.cell].index + 1 };
  };
}

export function formatLocation(file: string, loc: Location): string {
  return loc.cell ? `${file}:cell ${loc.cell}:${loc.line}:${loc.column}` : `${file}:${loc.line}:${loc.column}`;
}
