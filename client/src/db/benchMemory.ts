// Memory detail for `npm run bench:db`. DJM_BENCH_MEMORY=1: the peak, V8 heap and buffers after each line.
// DJM_BENCH_MEMORY=2 also samples process.memoryUsage() every 100 ms under the name of the phase running
// (benchPhase), prints each time the process's peak RSS grows by 10 MB or more with the phase that grew it, and
// at the end the largest RSS and heap sampled in each phase.

const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;

/** The peak so far, V8 heap, buffers outside it. */
export function memoryDetail(): string {
  const m = process.memoryUsage();
  return `memory: peak ${mb(process.resourceUsage().maxRSS * 1024)}, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)})`;
}

export const memoryLevel = Number(process.env.DJM_BENCH_MEMORY ?? 0);

interface PhaseMax {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

let phase = 'start';
const phases = new Map<string, PhaseMax>();
let reportedPeak = 0;
let timer: NodeJS.Timeout | undefined;

function sample(): void {
  const m = process.memoryUsage();
  const p = phases.get(phase) ?? { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
  p.rss = Math.max(p.rss, m.rss);
  p.heapUsed = Math.max(p.heapUsed, m.heapUsed);
  p.heapTotal = Math.max(p.heapTotal, m.heapTotal);
  p.external = Math.max(p.external, m.external);
  phases.set(phase, p);
  const peak = process.resourceUsage().maxRSS * 1024;
  if (peak - reportedPeak >= 10 * 2 ** 20) {
    reportedPeak = peak;
    console.log(
      `  [mem] peak ${mb(peak)} in "${phase}": rss ${mb(m.rss)}, heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}`,
    );
  }
}

/** Names the phase that runs from now on (DJM_BENCH_MEMORY=2 samples under this name). */
export function benchPhase(name: string): void {
  if (memoryLevel < 2) return;
  sample();
  phase = name;
  timer ??= setInterval(sample, 100).unref();
}

/** DJM_BENCH_MEMORY=2: the largest RSS and heap sampled in each phase. */
export function phaseSummary(): void {
  if (memoryLevel < 2) return;
  sample();
  if (timer) clearInterval(timer);
  timer = undefined;
  console.log('memory by phase (largest sampled rss, heap used, heap total, external):');
  for (const [name, p] of phases)
    console.log(
      `  ${name.padEnd(48)} ${mb(p.rss).padStart(7)} ${mb(p.heapUsed).padStart(7)} ${mb(p.heapTotal).padStart(7)} ${mb(p.external).padStart(7)}`,
    );
}
