// A TCP port nothing listens on now, for a server a test starts (the delta
// server, whose port the worker is given before it binds it).
import net, { type AddressInfo } from 'node:net';

export function freePort(host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
