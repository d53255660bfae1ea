// Preloaded into each pakeana run (node --require): on exit, writes the process's peak
// resident set size (getrusage's maxrss, in bytes) and CPU seconds (user + system, all
// threads) as JSON to the file STRESS_USAGE_FILE names. The kernel's peak is the true one;
// pakeana's own summary only samples RSS now and then.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  writeFileSync(process.env.STRESS_USAGE_FILE, JSON.stringify({ peakRss: usage.maxRSS * 1024, cpuSeconds }));
});
