// Per-thread timelines of a parallel check (DJ_MIGRATE_TIMELINE=1): when each thread ends each phase, by the wall
// clock and by its own CPU time (Linux /proc/thread-self/schedstat, so other threads' work is not counted).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Mark {
  label: string;
  /** Milliseconds since the Unix epoch (comparable across threads). */
  at: number;
  /** This thread's CPU time (ms), and its time waiting for a core (ms). */
  cpu: number;
  waited: number;
}

export const timelineOn = process.env.DJ_MIGRATE_TIMELINE === '1';

function schedstat(): [number, number] {
  try {
    const [run, wait] = fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return [run / 1e6, wait / 1e6];
  } catch {
    return [0, 0];
  }
}

export class Timeline {
  readonly marks: Mark[] = [];
  /** The process's CPU time when the timeline began (every thread's, V8's helper threads included). */
  readonly processCpu = process.cpuUsage();
  constructor(readonly thread: string) {}

  mark(label: string): void {
    if (!timelineOn) return;
    const [cpu, waited] = schedstat();
    this.marks.push({ label, at: performance.timeOrigin + performance.now(), cpu, waited });
  }
}

/** The threads' marks as text: wall time since the first mark, and per phase the wall, CPU, run-queue and blocked time. */
export function formatTimelines(main: Timeline, lines: Array<{ thread: string; marks: Mark[] }>): string {
  const out: string[] = [];
  const start = main.marks[0]?.at ?? 0;
  // A thread's CPU time: the main thread's since the timeline began, a worker's since the thread began.
  const own = lines.map(({ marks }, i) => (marks.at(-1)?.cpu ?? 0) - (i === 0 ? (marks[0]?.cpu ?? 0) : 0));
  const used = process.cpuUsage(main.processCpu);
  const all = (used.user + used.system) / 1000;
  const sum = own.reduce((a, b) => a + b, 0);
  out.push(
    `CPU ms: ${lines.map((l, i) => `${l.thread} ${own[i].toFixed(0)}`).join(', ')}, other threads (GC, JIT) ${(all - sum).toFixed(0)}, process ${all.toFixed(0)}`,
  );
  for (const { thread, marks } of lines) {
    let prev: Mark | undefined;
    for (const m of marks) {
      const wall = prev ? m.at - prev.at : 0;
      const cpu = prev ? m.cpu - prev.cpu : 0;
      const waited = prev ? m.waited - prev.waited : 0;
      // Neither running nor waiting for a core: waiting for another thread (or the disk).
      const blocked = Math.max(0, wall - cpu - waited);
      out.push(
        `${thread.padEnd(8)} ${(m.at - start).toFixed(0).padStart(6)} ms  ${m.label.padEnd(28)} +${wall.toFixed(0).padStart(5)} wall ${cpu.toFixed(0).padStart(5)} cpu ${waited.toFixed(0).padStart(5)} runq ${blocked.toFixed(0).padStart(5)} blocked`,
      );
      prev = m;
    }
  }
  return out.join('\n');
}
