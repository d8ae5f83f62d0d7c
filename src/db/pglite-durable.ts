import { fsyncSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/**
 * Durable commits on the embedded database.
 *
 * PGlite 0.5 as shipped never reaches the disk: it starts PostgreSQL with
 * `-F` (fsync off), its Emscripten libc turns fdatasync() into a no-op, and
 * the Node filesystem (NODEFS) it mounts the data folder with has no fsync
 * operation, so fsync() does nothing either. An acknowledged write survives
 * a killed process (it is in the operating system's cache) but not a power
 * loss or a kernel crash.
 *
 * Here PostgreSQL runs with fsync on and `wal_sync_method=fsync` (the one
 * sync call that reaches the filesystem layer), and NODEFS gets the missing
 * fsync operation: fsync(2) on the real file. PostgreSQL then syncs where it
 * always does — the WAL at every commit before answering, data files and
 * pg_control at checkpoints, directories when files are created or renamed,
 * the whole folder after an unclean stop — so a committed transaction is on
 * disk when the API answers. Cost: one fsync per committed write
 * transaction (see README, 組み込みデータベースの耐久性).
 */

/** Start parameters: PGlite's own, without `-F`, syncing the WAL with fsync(). */
export const DURABLE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams.filter((p) => p !== '-F'),
  '-c',
  'fsync=on',
  '-c',
  'wal_sync_method=fsync',
];

type EmscriptenOpts = Parameters<NodeFS['init']>[1];

interface NodefsInternals {
  stream_ops: { fsync?: (stream: { nfd?: number }) => number };
  tryFSOperation?: <T>(operation: () => T) => T;
}

/** NodeFS with an fsync operation (installed before PostgreSQL starts, so its start-up syncs count too). */
export class DurableNodeFS extends NodeFS {
  /** Whether the operation was installed (PGlite's internals are checked at start, see openDatabase). */
  installed = false;

  override async init(pg: PGlite, opts: EmscriptenOpts) {
    const result = await super.init(pg, opts);
    const install = (mod: unknown) => {
      const nodefs = (mod as { NODEFS?: NodefsInternals }).NODEFS;
      if (!nodefs?.stream_ops) return;
      nodefs.stream_ops.fsync ??= (stream) => {
        if (stream.nfd === undefined) return 0;
        // A failed fsync is an I/O error PostgreSQL must see (it stops rather than pretend).
        const sync = () => fsyncSync(stream.nfd!);
        if (nodefs.tryFSOperation) nodefs.tryFSOperation(sync);
        else sync();
        return 0;
      };
      this.installed = true;
    };
    result.emscriptenOpts.preRun = [...(result.emscriptenOpts.preRun ?? []), install];
    return result;
  }
}
