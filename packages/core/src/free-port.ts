// A free TCP port on loopback, for servers that must be told a port before
// they start (sshd, QEMU's port forwards). Node-only: kept out of the
// package's main entry, which the web bundles for the browser too.
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
