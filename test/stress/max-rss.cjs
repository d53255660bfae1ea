// Preloaded into each pakeana run (node --require): on exit, writes the process's peak
// resident set size (getrusage's maxrss, in bytes) to the file STRESS_RSS_FILE names. The
// kernel's figure is the true peak; pakeana's own summary only samples RSS now and then.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.STRESS_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
