import { crc32, deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { countRows, recordConsent, registerPerson, todayJst } from '../support/people.ts';

/**
 * 同意 (consent): versioned per person and purpose, refusals recorded as
 * refusals, withdrawal of the current version only, and the scan of the
 * signed form checked by its content.
 */
const AGENCY = '小金井きた地域包括支援センター';
const OTHER = 'こども家庭センター';

/** A real 1×1 PNG (red pixel), with correct chunk CRCs. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 200, 30, 30]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real one-page PDF with a correct cross-reference table. */
function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A real 1×1 baseline JPEG (JFIF). */
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APn+iiigD//Z',
  'base64',
);

interface ConsentItem {
  id: string;
  purpose: string;
  versionNo: number;
  decision: string;
  scopeKind: string;
  agencies: { id: string; name: string }[];
  current: boolean;
  withdrawnOn: string | null;
  document: { id: string; filename: string; mediaType: string; sizeBytes: number } | null;
}

describe.each(DATABASE_KINDS)('consent (%s)', (kind) => {
  const t = useTestApp(kind);
  let clerk: Agent;
  let outsider: Agent;
  let otherAgencyId: string;

  beforeAll(async () => {
    const [c, o] = await Promise.all([t.createUser({ agency: AGENCY }), t.createUser({ agency: OTHER })]);
    [clerk, outsider] = await Promise.all([t.login(c.loginId, c.password), t.login(o.loginId, o.password)]);
    otherAgencyId = await t.agencyId(OTHER);
  });

  const list = async (personId: string): Promise<ConsentItem[]> => json(await clerk.get(`/api/v1/persons/${personId}/consents`)).items;
  const upload = (consentId: string, body: Buffer, contentType: string, filename = '同意書.pdf', agent = clerk) =>
    agent.post(`/api/v1/consents/${consentId}/document`, undefined, {
      payload: body,
      contentType,
      headers: { 'x-filename': encodeURIComponent(filename) },
    });

  it('versions consent per purpose; only the latest version is current', async () => {
    const person = await registerPerson(clerk, { name: '版数 確認', birthDate: '1948-08-08' });
    await recordConsent(clerk, { personId: person.id, scopeKind: 'all', consentedOn: '2025-04-01' });
    await recordConsent(clerk, { personId: person.id, purpose: 'meeting_sharing', scopeKind: 'all', method: '口頭' });
    await recordConsent(clerk, { personId: person.id, scopeKind: 'listed', agencyIds: [otherAgencyId, otherAgencyId] });
    const items = await list(person.id);
    const sharing = items.filter((k) => k.purpose === 'agency_sharing');
    const meeting = items.filter((k) => k.purpose === 'meeting_sharing');
    expect(sharing.map((k) => [k.versionNo, k.current, k.scopeKind])).toEqual([
      [2, true, 'listed'],
      [1, false, 'all'],
    ]);
    // Listed agencies are named, each once.
    expect(sharing[0]!.agencies).toEqual([{ id: otherAgencyId, name: OTHER }]);
    expect(meeting.map((k) => [k.versionNo, k.current])).toEqual([[1, true]]);
    expect(items.find((k) => k.purpose === 'meeting_sharing')).toMatchObject({ method: '口頭', obtainedByAgencyName: AGENCY, purposeLabel: '重層的支援会議での情報共有' });
    // The current state shows wherever the person appears.
    const detail = json(await clerk.get(`/api/v1/persons/${person.id}`));
    expect(detail.consent.agency_sharing).toMatchObject({ state: 'granted', versionNo: 2, scopeKind: 'listed', label: '同意あり（指定の1機関）' });
    expect(detail.consent.meeting_sharing).toMatchObject({ state: 'granted', versionNo: 1, label: '同意あり（事業の全機関）' });
    const found = json(await clerk.get(`/api/v1/persons?q=${encodeURIComponent('版数')}`)).items[0];
    expect(found.consent.agency_sharing.versionNo).toBe(2);
    const rows = await t.db.selectFrom('consents').select(['version_no', 'purpose']).where('person_id', '=', person.id).orderBy('purpose').orderBy('version_no').execute();
    expect(rows.map((r) => `${r.purpose}:${r.version_no}`)).toEqual(['agency_sharing:1', 'agency_sharing:2', 'meeting_sharing:1']);
  });

  it('records a refusal as a refusal, with no scope', async () => {
    const person = await registerPerson(clerk, { name: '拒否 記録', birthDate: '1955-05-05' });
    const items = await recordConsent(clerk, { personId: person.id, decision: 'refused', scopeKind: 'listed', agencyIds: [otherAgencyId], note: '家族に知られたくない' });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ decision: 'refused', scopeKind: 'all', agencies: [], current: true, versionNo: 1, note: '家族に知られたくない' });
    const detail = json(await clerk.get(`/api/v1/persons/${person.id}`));
    expect(detail.consent.agency_sharing).toMatchObject({ state: 'refused', label: '同意しない（拒否）' });
    expect(detail.consent.meeting_sharing).toMatchObject({ state: 'none', label: '未確認' });
    // A refusal cannot be withdrawn.
    expect((await clerk.post(`/api/v1/consents/${items[0].id}/withdraw`, { withdrawnOn: todayJst() })).statusCode).toBe(409);
  });

  it('validates consent input: listed scope needs agencies, dates are required and not in the future', async () => {
    const person = await registerPerson(clerk, { name: '入力 検証', birthDate: '1960-01-01' });
    const base = { personId: person.id, purpose: 'agency_sharing', decision: 'granted', consentedOn: todayJst(), method: '書面' };
    const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    for (const [body, field] of [
      [{ ...base, scopeKind: 'listed', agencyIds: [] }, 'agencyIds'],
      [{ ...base, scopeKind: 'listed' }, 'agencyIds'],
      [{ ...base, consentedOn: undefined }, 'consentedOn'],
      [{ ...base, consentedOn: tomorrow }, 'consentedOn'],
      [{ ...base, method: 'メール' }, 'method'],
      [{ ...base, purpose: 'marketing' }, 'purpose'],
      [{ ...base, decision: 'maybe' }, 'decision'],
      [{ ...base, agencyIds: ['not-a-uuid'] }, 'agencyIds.0'],
    ] as const) {
      const res = await clerk.post('/api/v1/consents', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(Object.keys(json(res).error.fields), JSON.stringify(body)).toContain(field);
    }
    // An agency that is not this municipality's.
    const unknown = await clerk.post('/api/v1/consents', { ...base, scopeKind: 'listed', agencyIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.statusCode).toBe(422);
    expect(json(unknown).error.fields.agencyIds).toBeDefined();
    // 和暦 dates are read.
    const wareki = await recordConsent(clerk, { personId: person.id, consentedOn: '令和7年4月1日' });
    expect(wareki[0].consentedOn).toBe('2025-04-01');
    expect(await list(person.id)).toHaveLength(1);
    // An unknown person.
    expect((await clerk.post('/api/v1/consents', { ...base, personId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
  });

  it('withdraws only the current granted version, never before it was given', async () => {
    const person = await registerPerson(clerk, { name: '撤回 確認', birthDate: '1947-07-07' });
    const v1 = (await recordConsent(clerk, { personId: person.id, consentedOn: '2025-04-01' }))[0];
    const v2 = (await recordConsent(clerk, { personId: person.id, consentedOn: '2025-06-01' })).find((k: ConsentItem) => k.versionNo === 2);
    const old = await clerk.post(`/api/v1/consents/${v1.id}/withdraw`, { withdrawnOn: todayJst() });
    expect(old.statusCode).toBe(409);
    expect(json(old).error.code).toBe('conflict');
    const early = await clerk.post(`/api/v1/consents/${v2.id}/withdraw`, { withdrawnOn: '2025-05-31' });
    expect(early.statusCode).toBe(422);
    expect(Object.keys(json(early).error.fields)).toEqual(['withdrawnOn']);
    expect((await clerk.post(`/api/v1/consents/${v2.id}/withdraw`, {})).statusCode).toBe(422);
    const tomorrow = new Date(Date.now() + 9 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    expect((await clerk.post(`/api/v1/consents/${v2.id}/withdraw`, { withdrawnOn: tomorrow })).statusCode).toBe(422);
    expect((await list(person.id)).every((k) => k.withdrawnOn === null)).toBe(true);

    const ok = await clerk.post(`/api/v1/consents/${v2.id}/withdraw`, { withdrawnOn: '2025-06-01', reason: '本人から電話で撤回の申し出' });
    expect(ok.statusCode, ok.body).toBe(200);
    const current = json(ok).items.find((k: ConsentItem) => k.current);
    expect(current).toMatchObject({ id: v2.id, withdrawnOn: '2025-06-01', withdrawnReason: '本人から電話で撤回の申し出' });
    expect(json(await clerk.get(`/api/v1/persons/${person.id}`)).consent.agency_sharing).toMatchObject({ state: 'withdrawn', label: '同意撤回' });
    expect((await clerk.post(`/api/v1/consents/${v2.id}/withdraw`, { withdrawnOn: todayJst() })).statusCode).toBe(409);
    expect((await clerk.post('/api/v1/consents/00000000-0000-4000-8000-000000000000/withdraw', { withdrawnOn: todayJst() })).statusCode).toBe(404);
    const audit = await t.db.selectFrom('audit_events').select(['subject_person_id', 'reason']).where('action', '=', 'consent.withdraw').where('target_id', '=', v2.id).execute();
    expect(audit).toEqual([{ subject_person_id: person.id, reason: '本人から電話で撤回の申し出' }]);
  });

  it('attaches the signed form as PDF, PNG or JPEG, typed by content, and reads it back', async () => {
    const person = await registerPerson(clerk, { name: '書類 添付', birthDate: '1951-01-01' });
    const consent = (await recordConsent(clerk, { personId: person.id }))[0];
    for (const [bytes, claimed, expected, filename] of [
      [pdf(), 'application/pdf', 'application/pdf', '同意書（署名済み）.pdf'],
      [png(), 'image/png', 'image/png', 'scan.png'],
      [JPEG, 'image/jpeg', 'image/jpeg', 'スキャン.jpg'],
      // The content decides, not the header: a PNG sent as octet-stream is a PNG.
      [png(), 'application/octet-stream', 'image/png', 'unknown.bin'],
    ] as const) {
      const res = await upload(consent.id, bytes, claimed, filename);
      expect(res.statusCode, res.body).toBe(200);
      const doc = json(res).items.find((k: ConsentItem) => k.id === consent.id).document;
      expect(doc).toMatchObject({ filename, mediaType: expected, sizeBytes: bytes.length });
      const read = await clerk.get(`/api/v1/consent-documents/${doc.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.headers['content-type']).toBe(expected);
      expect(read.headers['x-content-type-options']).toBe('nosniff');
      expect(read.headers['content-disposition']).toBe(`inline; filename*=UTF-8''${encodeURIComponent(filename)}`);
      expect(Buffer.compare(read.rawPayload, bytes)).toBe(0);
    }
    const stored = await t.db.selectFrom('consent_documents').select(['media_type', 'size_bytes', 'sha256']).where('person_id', '=', person.id).execute();
    expect(stored.map((d) => d.media_type).sort()).toEqual(['application/pdf', 'image/jpeg', 'image/png', 'image/png']);
    expect(stored.every((d) => /^[0-9a-f]{64}$/.test(d.sha256))).toBe(true);
  });

  it('refuses a file that is not what it claims, a file over 5 MB, and other types, saving nothing', async () => {
    const person = await registerPerson(clerk, { name: '偽装 ファイル', birthDate: '1952-02-02' });
    const consent = (await recordConsent(clerk, { personId: person.id }))[0];
    const before = await countRows(t.db, 'consent_documents');
    const fake = await upload(consent.id, Buffer.from('<html><script>alert(1)</script></html>'), 'application/pdf', 'evil.pdf');
    expect(fake.statusCode).toBe(422);
    expect(Object.keys(json(fake).error.fields)).toEqual(['file']);
    // Almost PDF: the signature must be at the very start.
    expect((await upload(consent.id, Buffer.concat([Buffer.from(' '), pdf()]), 'application/pdf')).statusCode).toBe(422);
    expect((await upload(consent.id, Buffer.from('%PDF'), 'application/pdf')).statusCode).toBe(422);
    // A GIF is not accepted, whatever it claims to be.
    expect((await upload(consent.id, Buffer.from('GIF89a....'), 'image/jpeg')).statusCode).toBe(422);
    const big = Buffer.concat([pdf(), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const tooBig = await upload(consent.id, big, 'application/pdf');
    expect(tooBig.statusCode).toBe(413);
    expect(json(tooBig).error.code).toBe('payload_too_large');
    const huge = await upload(consent.id, Buffer.concat([pdf(), Buffer.alloc(7 * 1024 * 1024, 0x20)]), 'application/pdf');
    expect(huge.statusCode).toBe(413);
    expect((await upload(consent.id, Buffer.from('hello'), 'text/plain')).statusCode).toBe(415);
    expect((await upload(consent.id, Buffer.alloc(0), 'application/pdf')).statusCode).toBe(400);
    expect(await countRows(t.db, 'consent_documents')).toBe(before);
    expect((await list(person.id))[0]!.document).toBeNull();
    // A file name that is not valid percent-encoding is kept as sent, not a 500.
    const odd = await clerk.post(`/api/v1/consents/${consent.id}/document`, undefined, { payload: pdf(), contentType: 'application/pdf', headers: { 'x-filename': '%E3%81' } });
    expect(odd.statusCode, odd.body).toBe(200);
    expect(json(odd).items[0].document.filename).toBe('%E3%81');
  });

  it('an agency without access to the person gets 404 for the document and cannot attach one', async () => {
    const person = await registerPerson(clerk, { name: '閲覧 不可', birthDate: '1953-03-03' });
    const consent = (await recordConsent(clerk, { personId: person.id, scopeKind: 'listed', agencyIds: [await t.agencyId('小金井ひがし地域包括支援センター')] }))[0];
    const attached = await upload(consent.id, pdf(), 'application/pdf', '閲覧不可の同意書.pdf');
    const docId = json(attached).items[0].document.id;
    const read = await outsider.get(`/api/v1/consent-documents/${docId}`);
    expect(read.statusCode).toBe(404);
    expect(read.body.includes('%PDF')).toBe(false);
    expect(read.body.includes('閲覧')).toBe(false);
    expect((await outsider.get(`/api/v1/persons/${person.id}/consents`)).statusCode).toBe(404);
    expect((await upload(consent.id, pdf(), 'application/pdf', 'x.pdf', outsider)).statusCode).toBe(404);
    expect((await outsider.post(`/api/v1/consents/${consent.id}/withdraw`, { withdrawnOn: todayJst() })).statusCode).toBe(404);
    expect((await clerk.get('/api/v1/consent-documents/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect(await t.db.selectFrom('consent_documents').select('id').where('person_id', '=', person.id).execute()).toHaveLength(1);
  });
});
