// Preloaded with `node --require` into every measured process: on exit it writes the process's
// peak resident set size (kilobytes on Linux) to the file named by BENCH_RSS_FILE.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
});
