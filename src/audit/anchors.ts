import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Db } from '../db/database.ts';
import { latestAnchor, PURGE_ACTION } from '../access/audit.ts';
import { formatDateTime } from '../shared/dates.ts';

/**
 * Anchors of the audit chains outside the database (issue 12 item 9).
 *
 * A database owner can disable the triggers and rewrite a whole chain with
 * recomputed hashes, or cut its tail and move the head back: the chain then
 * verifies on its own. So the head of every chain (number, hash, time) is
 * periodically written to a signed file outside the database (and can be
 * printed to be filed on paper). `verifyAgainstAnchor` fails when the
 * chain no longer holds that (seq, hash).
 *
 * Files go to KASANE_AUDIT_ANCHOR_DIR (default `<KASANE_DATA_DIR>/audit-anchors`);
 * the Ed25519 signing key to KASANE_AUDIT_ANCHOR_KEY (default
 * `anchor-signing-key.pem` in that folder), made on first use with mode 0600.
 */
export const ANCHOR_FORMAT = 'kasane-audit-anchor/1';

export interface AnchorPlaces {
  dir: string;
  keyFile: string;
}

export function anchorPlaces(env: NodeJS.ProcessEnv = process.env): AnchorPlaces {
  const dir = resolve(env.KASANE_AUDIT_ANCHOR_DIR || join(resolve(env.KASANE_DATA_DIR ?? './data'), 'audit-anchors'));
  return { dir, keyFile: resolve(env.KASANE_AUDIT_ANCHOR_KEY || join(dir, 'anchor-signing-key.pem')) };
}

export interface AnchoredChain {
  chainKey: string;
  municipality: string | null;
  seq: number;
  hash: string;
  occurredAt: string;
}

export interface AnchorPayload {
  format: typeof ANCHOR_FORMAT;
  createdAt: string;
  chains: AnchoredChain[];
  /** The signer's public key (SPKI, DER, base64) and its fingerprint, to compare with the paper copy. */
  publicKey: string;
  keyFingerprint: string;
}

export interface AnchorFile extends AnchorPayload {
  signature: string;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

function spkiOf(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** SHA-256 of the public key, in groups of four hex digits (short enough to copy onto paper). */
export function fingerprintOf(spki: Buffer): string {
  return (createHash('sha256').update(spki).digest('hex').slice(0, 32).match(/.{4}/g) ?? []).join('-');
}

/** The signing key; made (mode 0600) when it does not exist yet. */
export function signingKey(places: AnchorPlaces, create = true): KeyObject | null {
  if (existsSync(places.keyFile)) return createPrivateKey(readFileSync(places.keyFile));
  if (!create) return null;
  mkdirSync(dirname(places.keyFile), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(places.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(places.keyFile, 0o600);
  writeFileSync(`${places.keyFile.replace(/\.pem$/, '')}.pub.pem`, createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }));
  return privateKey;
}

/** The head (last number, hash, time) of every chain that has rows. */
export async function chainHeads(db: Db): Promise<AnchoredChain[]> {
  const rows = await db
    .selectFrom('audit_chains as c')
    .innerJoin('audit_events as e', (j) => j.onRef('e.chain_key', '=', 'c.chain_key').onRef('e.seq', '=', 'c.last_seq'))
    .leftJoin('municipalities as m', (j) => j.onRef('e.municipality_id', '=', 'm.id'))
    .select(['c.chain_key', 'c.last_seq', 'c.last_hash', 'e.occurred_at', 'm.name'])
    .where('c.last_seq', '>', 0)
    .orderBy('c.chain_key')
    .execute();
  return rows.map((r) => ({
    chainKey: r.chain_key,
    municipality: r.name ?? null,
    seq: Number(r.last_seq),
    hash: r.last_hash,
    occurredAt: new Date(r.occurred_at).toISOString(),
  }));
}

export function signAnchor(chains: AnchoredChain[], key: KeyObject, now = new Date()): AnchorFile {
  const spki = spkiOf(key);
  const payload: AnchorPayload = {
    format: ANCHOR_FORMAT,
    createdAt: now.toISOString(),
    chains,
    publicKey: spki.toString('base64'),
    keyFingerprint: fingerprintOf(spki),
  };
  return { ...payload, signature: sign(null, Buffer.from(canonical(payload)), key).toString('base64') };
}

/** Sign the current heads and write them to a new file in the anchor folder (or `out`). */
export async function writeAnchorFile(db: Db, places: AnchorPlaces = anchorPlaces(), out?: string): Promise<{ path: string; anchor: AnchorFile }> {
  const key = signingKey(places)!;
  const anchor = signAnchor(await chainHeads(db), key);
  const path = resolve(out ?? join(places.dir, `audit-anchor-${anchor.createdAt.replace(/[:.]/g, '').replace('T', '-')}.json`));
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(anchor, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, path);
  return { path, anchor };
}

/** Lines to print and file on paper. */
export function paperLines(anchor: AnchorFile): string[] {
  const lines = [`署名鍵の指紋：${anchor.keyFingerprint}`, `作成日時：${formatDateTime(anchor.createdAt)}`];
  for (const c of anchor.chains) {
    const name = c.municipality ?? (c.chainKey === 'system' ? 'システム（自治体に属さない記録）' : c.chainKey);
    lines.push(`  ${name}：${c.seq}番（${formatDateTime(c.occurredAt)}）`, `    ハッシュ ${(c.hash.match(/.{8}/g) ?? [c.hash]).join(' ')}`);
  }
  return lines;
}

export interface AnchorCheck {
  ok: boolean;
  /** Japanese lines: what was checked, and each problem named. */
  lines: string[];
  problems: string[];
}

function chainName(c: AnchoredChain): string {
  return c.municipality ?? (c.chainKey === 'system' ? 'システム' : c.chainKey);
}

function parseAnchor(text: string): AnchorFile | null {
  try {
    const v = JSON.parse(text) as AnchorFile;
    if (v?.format !== ANCHOR_FORMAT || !Array.isArray(v.chains) || typeof v.signature !== 'string' || typeof v.publicKey !== 'string') return null;
    for (const c of v.chains) {
      if (typeof c.chainKey !== 'string' || !Number.isInteger(c.seq) || c.seq < 1 || !/^[0-9a-f]{64}$/.test(c.hash) || Number.isNaN(Date.parse(c.occurredAt))) return null;
    }
    return v;
  } catch {
    return null;
  }
}

/**
 * Check a chain against an anchor file: the file's signature (with this
 * installation's key when it is there), then that every anchored (seq,
 * hash) is still in its chain — or was purged by retention after it
 * became old enough, which the chain's own anchor shows.
 */
export async function verifyAgainstAnchor(db: Db, file: string, places: AnchorPlaces = anchorPlaces()): Promise<AnchorCheck> {
  const lines: string[] = [];
  const problems: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, lines, problems: [`アンカーファイル ${file} を開けません。`] };
  }
  const anchor = parseAnchor(text);
  if (!anchor) return { ok: false, lines, problems: [`${file} は kasane の監査ログのアンカーファイルとして読み取れません。`] };
  const { signature, ...payload } = anchor;
  const own = signingKey(places, false);
  const embedded = Buffer.from(anchor.publicKey, 'base64');
  if (own && !spkiOf(own).equals(embedded)) {
    problems.push('このアンカーファイルは、この kasane の署名鍵で署名されていません（別の鍵で作られたか、差し替えられています）。');
  } else {
    let valid = false;
    try {
      valid = verify(null, Buffer.from(canonical(payload)), createPublicKey({ key: embedded, format: 'der', type: 'spki' }), Buffer.from(signature, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid || fingerprintOf(embedded) !== anchor.keyFingerprint) problems.push('アンカーファイルの署名が一致しません（ファイルが書き換えられています）。');
    else if (!own) lines.push(`署名鍵が見つからないため、ファイルに含まれる公開鍵で署名を確認しました。指紋 ${anchor.keyFingerprint} を紙の控えと照合してください。`);
  }
  if (problems.length) return { ok: false, lines, problems };
  lines.push(`アンカー（${formatDateTime(anchor.createdAt)} 作成、署名鍵 ${anchor.keyFingerprint}）と照合します。`);

  for (const c of anchor.chains) {
    const name = chainName(c);
    const row = await db.selectFrom('audit_events').select('hash').where('chain_key', '=', c.chainKey).where('seq', '=', c.seq).executeTakeFirst();
    if (row) {
      if (row.hash === c.hash) lines.push(`  ${name}：${c.seq}番のハッシュが一致しました。`);
      else problems.push(`${name}：${c.seq}番の記録のハッシュがアンカーと一致しません。チェーンが書き換えられています（アンカー作成時点までの記録が作り直されています）。`);
      continue;
    }
    const head = await db.selectFrom('audit_chains').select('last_seq').where('chain_key', '=', c.chainKey).executeTakeFirst();
    if (!head || Number(head.last_seq) < c.seq) {
      problems.push(
        head
          ? `${name}：チェーンが${c.seq}番より短くなっています（現在の最後は${Number(head.last_seq)}番）。末尾の記録が削除されています。`
          : `${name}：チェーンがありません。チェーンごと削除されています。`,
      );
      continue;
    }
    const purged = await latestAnchor(db, c.chainKey);
    if (purged && Number(purged.first_seq) - 1 === c.seq && purged.prev_hash === c.hash) {
      lines.push(`  ${name}：${c.seq}番は保存期間の経過で削除済みで、残りのチェーンの起点と一致しました。`);
    } else if (purged && c.seq < Number(purged.first_seq) && purged.purged_before && new Date(c.occurredAt) < new Date(purged.purged_before)) {
      const record = await db
        .selectFrom('audit_events')
        .select('seq')
        .where('chain_key', '=', c.chainKey)
        .where('action', '=', PURGE_ACTION)
        .where('seq', '>=', Number(purged.first_seq))
        .limit(1)
        .executeTakeFirst();
      if (record) lines.push(`  ${name}：${c.seq}番は保存期間の経過で削除済みのため、照合の対象外です（より新しいアンカーで照合してください）。`);
      else problems.push(`${name}：${c.seq}番の記録がなく、保存期間の削除の記録もありません。記録が削除されています。`);
    } else {
      problems.push(`${name}：${c.seq}番の記録がありません。保存期間内の記録が削除されています。`);
    }
  }
  return { ok: problems.length === 0, lines, problems };
}
