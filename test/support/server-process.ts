import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * A real kasane server process (`npm start` without the web build:
 * node --import tsx src/server/main.ts), for tests that need what only a
 * process shows: that it stays alive, its log, its exit.
 */
const ROOT = resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export interface ServerProcess {
  port: number;
  child: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  output(): string;
  stop(): Promise<void>;
}

/** Start the server with these environment variables (PORT and HOST are set here) and wait for "kasane is running at". */
export async function startServerProcess(vars: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KASANE_DATA_DIR;
  delete env.KASANE_JOBS;
  delete env.DATABASE_URL;
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', ...vars });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!alive()) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((ok) => setTimeout(() => ok(false), 5000))]);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes('kasane is running at')) {
    if (!alive()) throw new Error(`server on :${port} exited: ${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server on :${port} did not start: ${output}`);
    }
    await new Promise((ok) => setTimeout(ok, 100));
  }
  return { port, child, alive, output: () => output, stop };
}
