import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { migrateToLatest, openDatabase } from '../db/database.ts';
import { processAlive, readBridgeFile } from '../server/cli-bridge.ts';
import { runCli, type CliResult } from './commands.ts';

/**
 * npm run kasane -- <command>. Works whether or not the server runs:
 * on PostgreSQL it connects directly; on the embedded database it hands
 * the command to a running server on the same data folder, or opens the
 * folder itself when none runs.
 */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<number> {
  // File names are resolved here: a running server may have another working folder.
  const args = process.argv.slice(2).map((a, i, all) => (['--anchor', '--out'].includes(all[i - 1] ?? '') && !a.startsWith('--') ? resolve(a) : a));
  const config = loadConfig();
  const stdin = args.includes('--password-stdin') ? await readStdin() : undefined;
  let result: CliResult;
  const bridge = config.databaseUrl ? null : readBridgeFile(config.dataDir);
  if (bridge && processAlive(bridge.pid)) {
    const response = await fetch(`http://127.0.0.1:${bridge.port}/internal/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kasane-cli-token': bridge.token },
      body: JSON.stringify({ args, stdin }),
    });
    if (!response.ok) throw new Error(`the running server (pid ${bridge.pid}) refused the command: HTTP ${response.status}`);
    result = (await response.json()) as CliResult;
  } else {
    const handle = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
    try {
      if (args[0] !== 'migrate') await migrateToLatest(handle.db);
      result = await runCli(handle.db, { args, stdin });
    } finally {
      await handle.close();
    }
  }
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  return result.code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
