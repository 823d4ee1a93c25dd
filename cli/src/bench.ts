// npm run bench / bench:db entry point; the benchmarks themselves live beside their engines.
const which = process.argv[2];
console.error(`benchmark ${which}: not built yet`);
process.exit(2);
