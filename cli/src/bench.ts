// npm run bench (code) / npm run bench:db (database): benchmarks print ratios against a baseline measured
// in the same process; they never assert times.
import { runCodeBench } from '../../server/src/bench/codeBench';
import { runDbBench } from '../../client/src/db/bench';

async function main(which: string | undefined): Promise<number> {
  if (which === 'code') {
    await runCodeBench();
    return 0;
  }
  if (which === 'db') return runDbBench(process.argv.slice(3));
  console.error('usage: bench code|db');
  return 2;
}

main(process.argv[2]).then(
  (c) => {
    process.exitCode = c;
  },
  (e) => {
    console.error(e);
    process.exitCode = 2;
  },
);
