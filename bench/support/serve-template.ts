// A child process for bench/template-serve: our template server alone in its
// process (as on a converter box), serving one file; prints its URL.
import { startTemplateServer } from '@vzferry/worker';

const file = process.argv[2]!;
const server = await startTemplateServer({ host: '127.0.0.1' });
console.log(server.publish('bench', file).url);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
