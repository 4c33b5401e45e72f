// Runs in a fresh Node process: loads one function bundle and hands it one event, timing both, as FC's first
// invocation of a new instance would, in wall and in CPU time (the process's own work, which a busy machine inflates
// least). Prints one JSON line. argv: bundle path, event JSON, context JSON.
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const { handler } = require(process.argv[2]);
const loaded = process.hrtime.bigint();
Promise.resolve(handler(Buffer.from(process.argv[3]), JSON.parse(process.argv[4]))).then(
  (result) => {
    const done = process.hrtime.bigint();
    const used = process.cpuUsage(cpu);
    const ms = (a, b) => Number(b - a) / 1e6;
    const cpuMs = (used.user + used.system) / 1000;
    process.stdout.write(`${JSON.stringify({ loadMs: ms(started, loaded), firstEventMs: ms(loaded, done), totalMs: ms(started, done), cpuMs, result })}\n`);
  },
  (err) => {
    process.stderr.write(`${err?.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
