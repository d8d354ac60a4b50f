/**
 * The generator's stand-in server as a process of its own:
 * `fake-main.ts <host> <port> <subject> <size>`. Stopped by a signal like the real servers.
 */
import { FakeServer } from './fake-server.js';

const [host = '127.0.0.1', port = '0', subject = 'bench.s', size = '128'] = process.argv.slice(2);
const server = new FakeServer(subject, Number(size));
server.listen(host, Number(port)).catch((err: Error) => {
  process.stderr.write(`fake server: ${err.message}\n`);
  process.exit(1);
});
