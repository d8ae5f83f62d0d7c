import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.ts';
import { runCli } from '../cli/commands.ts';

/**
 * PGlite allows one process per data folder. While a server holds the
 * embedded database, the CLI hands its command to that server: the server
 * writes its address and a random token to <data>/kasane-server.json
 * (readable by the owner only) and accepts commands on loopback with that
 * token. The command runs the same code as in the CLI process.
 */
export const BRIDGE_FILE = 'kasane-server.json';

export interface BridgeInfo {
  pid: number;
  port: number;
  token: string;
}

export function registerCliBridge(app: FastifyInstance, db: Db, token: string): void {
  app.post('/internal/cli', async (req, reply) => {
    const sent = Buffer.from(String(req.headers['x-kasane-cli-token'] ?? ''));
    const expected = Buffer.from(token);
    const loopback = req.socket.remoteAddress === '127.0.0.1' || req.socket.remoteAddress === '::1' || req.socket.remoteAddress === '::ffff:127.0.0.1';
    if (!loopback || sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'お探しのページまたはデータは見つかりません。', fields: {} } });
    }
    const body = req.body as { args?: unknown; stdin?: unknown };
    const args = Array.isArray(body?.args) ? body.args.map(String) : [];
    return runCli(db, { args, stdin: typeof body?.stdin === 'string' ? body.stdin : undefined });
  });
}

export function newBridgeToken(): string {
  return randomBytes(32).toString('hex');
}

export function writeBridgeFile(dataDir: string, info: BridgeInfo): void {
  writeFileSync(join(dataDir, BRIDGE_FILE), JSON.stringify(info), { mode: 0o600 });
}

export function removeBridgeFile(dataDir: string, pid = process.pid): void {
  const file = join(dataDir, BRIDGE_FILE);
  const info = readBridgeFile(dataDir);
  if (info && info.pid === pid) rmSync(file, { force: true });
}

export function readBridgeFile(dataDir: string): BridgeInfo | null {
  const file = join(dataDir, BRIDGE_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BridgeInfo;
  } catch {
    return null;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
