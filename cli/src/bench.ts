// npm run bench (code) / npm run bench:db (database): benchmarks print ratios against a baseline measured
// in the same process; they never assert times.
import os from 'node:os';
import path from 'node:path';
import { editLatency, runCodeBench, serveCeilingThread } from '../../server/src/bench/codeBench';
import { runDbBench } from '../../client/src/db/bench';

async function main(which: string | undefined): Promise<number> {
  if (which === 'code') {
    await runCodeBench();
    return 0;
  }
  // Only the language server's part of the code bench (first diagnostics and edit latency).
  if (which === 'edit') {
    const load = os.loadavg().map((l) => l.toFixed(2));
    console.log(`load average: ${load.join(', ')} (1, 5, 15 min; ${os.cpus().length} cores)`);
    await editLatency(path.join(__dirname, 'server.js'), (s) => console.log(s));
    return 0;
  }
  if (which === 'db') return runDbBench(process.argv.slice(3));
  console.error('usage: bench code|edit|db');
  return 2;
}

// The code bench starts threads of this same script (twoThreadCeiling); they only answer its messages.
if (!serveCeilingThread())
  main(process.argv[2]).then(
    (c) => {
      process.exitCode = c;
    },
    (e) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
