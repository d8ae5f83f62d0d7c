import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal round-robin HTTP proxy for tests (what nginx's default upstream
 * does): each request goes to the next upstream in turn. It adds
 * X-Forwarded-For like nginx, and answers with an `x-upstream` header naming
 * the upstream port, so a test can see which process answered.
 */
export interface RoundRobin {
  port: number;
  close(): Promise<void>;
}

export async function startRoundRobin(upstreams: readonly number[]): Promise<RoundRobin> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const port = upstreams[next % upstreams.length]!;
    next += 1;
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwarded } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': String(port) });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
