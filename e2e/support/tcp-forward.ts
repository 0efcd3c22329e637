// A TCP forwarder for the e2e tests: listens on one address (the host's address on the
// kind network, so pods can connect) and relays each connection to a service that
// listens on 127.0.0.1 only (Ironic). Closed by the test that starts it.

import type { AddressInfo } from 'node:net';
import net from 'node:net';

export interface TcpForward {
  /** host:port to give to clients. */
  address: string;
  connections(): number;
  close(): Promise<void>;
}

export async function forwardTcp(listenHost: string, target: { host: string; port: number }): Promise<TcpForward> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `${listenHost}:${port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
