// A worker stand-in for the delta server's leftover test: starts a delta
// server on the state directory and port given as arguments, says "ready",
// then waits to be killed with SIGKILL, which its rsync daemon survives.
import { startDeltaServer } from '../../src/delta-server';

const [stateDir, port] = process.argv.slice(2);
await startDeltaServer({ stateDir: stateDir!, address: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
