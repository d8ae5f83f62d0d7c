import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** A minimal keep-alive HTTP client: one agent, cookies kept, body read fully. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class HttpClient {
  readonly agent: http.Agent;
  cookie: string | null = null;
  /** Sent as x-csrf-token on every request that changes state (the login answer carries it). */
  csrfToken: string | null = null;

  constructor(
    readonly port: number,
    maxSockets = 1,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(this.cookie ? { cookie: this.cookie } : {}),
            ...(this.csrfToken && method !== 'GET' && method !== 'HEAD' ? { 'x-csrf-token': this.csrfToken } : {}),
            ...(payload !== undefined
              ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
              : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async expect(method: string, path: string, status: number, body?: unknown): Promise<HttpResponse> {
    const res = await this.request(method, path, body);
    if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${res.body.slice(0, 300)}`);
    return res;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The session cookie a login answered with (name=value only). */
export function sessionCookie(res: HttpResponse): string {
  const set = res.headers['set-cookie'] ?? [];
  const found = set.find((c) => c.startsWith('kasane_session='));
  if (!found) throw new Error('login did not set the session cookie');
  return found.split(';')[0]!;
}

export interface Stats {
  n: number;
  concurrency: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** Completed operations per second of wall time. */
  rps: number;
}

/** Percentile with linear interpolation between closest ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function summarize(samples: readonly number[], wallMs: number, concurrency: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    n: sorted.length,
    concurrency,
    min: round(sorted[0] ?? NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
    max: round(sorted.at(-1) ?? NaN),
    rps: Math.round((sorted.length / wallMs) * 1000 * 10) / 10,
  };
}

/**
 * Run `op` `n` times (after `warmup` untimed runs) with `concurrency`
 * workers, each timing its own calls. op(i) gets the global call index.
 */
export async function measure(
  n: number,
  op: (i: number) => Promise<void>,
  options: { warmup?: number; concurrency?: number } = {},
): Promise<Stats> {
  const raw = await measureRaw(n, op, options);
  return summarize(raw.samples, raw.wallMs, raw.concurrency);
}

export interface RawMeasurement {
  samples: number[];
  wallMs: number;
  concurrency: number;
}

/** Like measure, but returns the samples (to combine rounds). */
export async function measureRaw(
  n: number,
  op: (i: number) => Promise<void>,
  options: { warmup?: number; concurrency?: number } = {},
): Promise<RawMeasurement> {
  const concurrency = options.concurrency ?? 1;
  for (let i = 0; i < (options.warmup ?? 0); i++) await op(i);
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return { samples, wallMs: performance.now() - started, concurrency };
}
