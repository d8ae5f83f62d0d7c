import { copyFromOf, type Db } from '../db/database.ts';

/**
 * Bulk loading of generated rows: `COPY … FROM STDIN` where the database
 * handle offers it (PostgreSQL, and PGlite through its blob device), multi-row
 * INSERTs otherwise (e.g. inside a transaction). Rows are plain objects keyed
 * by column name, as Kysely's `values()` takes them; every row of one call
 * has the same columns (a missing key is NULL, not the column default).
 *
 * Values are encoded as the pg driver would send them: null/undefined → NULL,
 * Date → ISO instant, boolean → t/f, a JS array → a PostgreSQL array literal
 * (for text[] / uuid[] columns), any other object → JSON (jsonb), a string as
 * is (a jsonb column takes its JSON text).
 */
export interface BulkOptions {
  /** Rows per COPY statement or INSERT (default 20,000 for COPY, 1,000 for INSERT). */
  batch?: number;
  /** Called after each batch with the number of rows loaded so far. */
  progress?: (done: number) => void;
}

export async function bulkInsert(db: Db, table: string, rows: readonly Record<string, unknown>[], options: BulkOptions = {}): Promise<void> {
  if (rows.length === 0) return;
  const copy = copyFromOf(db);
  if (!copy) {
    const batch = options.batch ?? 1000;
    for (let i = 0; i < rows.length; i += batch) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await db.insertInto(table as any).values(rows.slice(i, i + batch) as any).execute();
      options.progress?.(Math.min(i + batch, rows.length));
    }
    return;
  }
  const columns = columnsOf(rows);
  const batch = options.batch ?? 20_000;
  for (let i = 0; i < rows.length; i += batch) {
    const end = Math.min(i + batch, rows.length);
    await copy(table, columns, copyText(rows, i, end, columns));
    options.progress?.(end);
  }
}

/** Every key that occurs in the rows, in order of first appearance. */
function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key in row) seen.add(key);
  return [...seen];
}

/** Rows [from, to) in COPY text format, in chunks of about 256 kB. */
export function* copyText(rows: readonly Record<string, unknown>[], from: number, to: number, columns: readonly string[]): Generator<string> {
  let chunk = '';
  for (let i = from; i < to; i++) {
    const row = rows[i]!;
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) line += '\t';
      line += copyField(row[columns[c]!]);
    }
    chunk += line + '\n';
    if (chunk.length >= 262_144) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** One value in COPY text format (\N for NULL; backslash, tab, newline and carriage return escaped). */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return escapeCopy(textOf(value));
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/** A PostgreSQL array literal: every element quoted, NULL elements bare, nested arrays nested. */
function arrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    return `"${textOf(item).replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
  });
  return `{${parts.join(',')}}`;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeCopy(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]!) : text;
}

/**
 * Loading in the background while the caller makes the next rows: work runs
 * in the order pushed, one piece at a time, and `push` waits while the
 * previous piece still runs (so at most one batch is held besides the one
 * being made). On PostgreSQL the server's COPY work then overlaps the
 * generator's own; a failure surfaces at the next `push` or at `drain`.
 */
export class BulkQueue {
  #running: Promise<void> = Promise.resolve();

  async push(work: () => Promise<void>): Promise<void> {
    await this.#running;
    this.#running = work();
    // Observed here so an error waits for the next push or drain instead of being reported as unhandled.
    this.#running.catch(() => {});
  }

  /** Wait until everything pushed is loaded. */
  async drain(): Promise<void> {
    await this.#running;
  }
}
