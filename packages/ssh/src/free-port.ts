// A free TCP port on loopback, for servers that must be told a port before
// they start (sshd, QEMU's port forwards, the lab's services). Here rather
// than in packages/core, which does no I/O; its own entry point
// (@vzferry/ssh/free-port) so that a caller does not load ssh2.
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
