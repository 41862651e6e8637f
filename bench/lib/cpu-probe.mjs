// Preloaded (--import) into a benchmarked server process: answers the parent's 'usage' message
// over the IPC channel with its own CPU time and RSS, so the harness reads the server's cost alone.
if (process.send) {
  process.on('message', (message) => {
    if (message === 'usage') {
      const cpu = process.cpuUsage();
      process.send({ usage: { cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage().rss } });
    }
  });
  process.channel?.unref();
}
