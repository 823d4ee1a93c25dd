// Applies the file operations of fixes (config migration creates datajoint.json and .secrets/ files).
// Never overwrites or replaces an existing file: such an operation is skipped and reported instead.
import fs from 'node:fs';
import path from 'node:path';
import type { FileOp } from '../rules/meta';

/** Files under a `.secrets` directory hold credentials: owner-only permissions. */
function isSecret(p: string): boolean {
  return p.split(/[\\/]/).includes('.secrets');
}

/**
 * Runs `ops` in order and returns one line per operation saying what happened (or, with dryRun, what
 * would happen). A line starting with "skipped" means the operation was refused and nothing changed.
 */
export function applyFileOps(ops: FileOp[], opts: { dryRun: boolean }): string[] {
  const report: string[] = [];
  // What earlier operations of this run did, so a dry run (which does not touch the disk) reports the same.
  const planned = new Set<string>();
  const gone = new Set<string>();
  const occupied = (p: string) => !gone.has(p) && (planned.has(p) || fs.existsSync(p));
  for (const op of ops) {
    switch (op.kind) {
      case 'create': {
        if (occupied(op.path)) {
          report.push(`skipped ${op.path}: already exists (not overwritten)`);
          break;
        }
        if (opts.dryRun) {
          planned.add(op.path);
          gone.delete(op.path);
          report.push(`would create ${op.path}`);
          break;
        }
        const secret = isSecret(op.path);
        fs.mkdirSync(path.dirname(op.path), { recursive: true, mode: secret ? 0o700 : 0o777 });
        try {
          fs.writeFileSync(op.path, op.content, { flag: 'wx', mode: secret ? 0o600 : 0o666 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
            report.push(`skipped ${op.path}: already exists (not overwritten)`);
            break;
          }
          throw e;
        }
        planned.add(op.path);
        report.push(`created ${op.path}`);
        break;
      }
      case 'rename': {
        if (!occupied(op.from)) {
          report.push(`skipped rename of ${op.from}: it does not exist`);
        } else if (occupied(op.to)) {
          report.push(`skipped rename of ${op.from}: ${op.to} already exists (not overwritten)`);
        } else if (opts.dryRun) {
          planned.delete(op.from);
          gone.add(op.from);
          planned.add(op.to);
          report.push(`would rename ${op.from} → ${op.to}`);
        } else {
          fs.mkdirSync(path.dirname(op.to), { recursive: true });
          // link + unlink refuses an existing target atomically, unlike rename.
          fs.linkSync(op.from, op.to);
          fs.unlinkSync(op.from);
          report.push(`renamed ${op.from} → ${op.to}`);
        }
        break;
      }
      case 'delete': {
        if (!occupied(op.path)) {
          report.push(`skipped delete of ${op.path}: it does not exist`);
        } else if (opts.dryRun) {
          planned.delete(op.path);
          gone.add(op.path);
          report.push(`would delete ${op.path}`);
        } else {
          fs.unlinkSync(op.path);
          report.push(`deleted ${op.path}`);
        }
        break;
      }
    }
  }
  return report;
}
