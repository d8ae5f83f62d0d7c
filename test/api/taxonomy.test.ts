import { beforeAll, describe, expect, it } from 'vitest';
import { ISSUES } from '../../src/shared/issues.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent } from '../support/app.ts';
import { consult, countRows, recordConsent, registerPerson, todayJst } from '../support/people.ts';

/**
 * The municipality's own 課題 and consent purposes (issue 12, item 4; DOMAIN.md §3):
 * added and deactivated by the administrator, validated on intake and consent,
 * and old records keep their values.
 */
interface Term {
  id: string | null;
  code: string;
  label: string;
  builtIn: boolean;
  active: boolean;
  version: number | null;
}

describe.each(DATABASE_KINDS)('課題 and consent purposes per municipality (%s)', (kind) => {
  const t = useTestApp(kind);
  let admin: Agent;
  let clerk: Agent;
  let personId: string;

  const taxonomy = async (agent: Agent = clerk) => {
    const res = await agent.get('/api/v1/municipality/taxonomy');
    expect(res.statusCode, res.body).toBe(200);
    return json(res) as { issues: Term[]; consentPurposes: Term[] };
  };
  const add = async (kind: 'issue' | 'consent_purpose', label: string) => {
    const res = await admin.post('/api/v1/municipality/taxonomy', { kind, label });
    expect(res.statusCode, res.body).toBe(201);
    return json(res) as Term;
  };

  beforeAll(async () => {
    admin = await t.loginAdmin();
    const user = await t.createUser({ role: 'intake_clerk', agency: '福祉総合相談窓口（自立相談サポートセンター）' });
    clerk = await t.login(user.loginId, user.password);
    personId = (await registerPerson(clerk, { name: '分類 一郎', nameKana: 'ブンルイ イチロウ', birthDate: '1965-03-03' })).id;
  });

  it('offers the national 課題 and the two legal purposes to every role, and only the administrator adds', async () => {
    const base = await taxonomy();
    expect(base.issues.map((i) => i.label).sort()).toEqual([...ISSUES].sort());
    expect(base.issues.at(-1)!.label).toBe('その他');
    expect(base.consentPurposes.map((p) => p.code)).toEqual(['meeting_sharing', 'agency_sharing']);
    expect((await clerk.post('/api/v1/municipality/taxonomy', { kind: 'issue', label: 'ごみ屋敷' })).statusCode).toBe(403);
    // A built-in name or a name already added is refused.
    for (const label of ['介護', '関係機関への情報提供']) {
      const res = await admin.post('/api/v1/municipality/taxonomy', { kind: label === '介護' ? 'issue' : 'consent_purpose', label });
      expect(res.statusCode, label).toBe(422);
    }
    expect((await admin.post('/api/v1/municipality/taxonomy', { kind: 'issue', label: '' })).statusCode).toBe(422);
  });

  it("an added 課題 is offered and accepted on intake; an unknown one is refused with nothing saved; deactivated, old records keep it", async () => {
    const garbage = await add('issue', 'ごみ屋敷');
    const pets = await add('issue', '多頭飼育');
    const list = (await taxonomy()).issues.map((i) => i.label);
    // The municipality's own come before その他, in their order.
    expect(list.slice(-3)).toEqual(['ごみ屋敷', '多頭飼育', 'その他']);

    const before = await countRows(t.db, 'consultations');
    const refused = await clerk.post('/api/v1/consultations', {
      channel: '電話',
      consulterType: '本人',
      chiefComplaint: '片付けられない',
      response: '継続相談',
      consentStatus: '未確認',
      issues: ['ごみ屋敷', '存在しない課題'],
    });
    expect(refused.statusCode).toBe(422);
    expect(json(refused).error.fields).toEqual({ 'issues.1': expect.stringContaining('存在しない課題') });
    expect(await countRows(t.db, 'consultations')).toBe(before);

    const old = await consult(clerk, { personId, chiefComplaint: '家の中が片付けられない', issues: ['ごみ屋敷', '社会的孤立'], primaryIssue: 'ごみ屋敷' });
    expect(old.issues).toEqual(['ごみ屋敷', '社会的孤立']);

    const off = await admin.patch(`/api/v1/municipality/taxonomy/${garbage.id}`, { active: false, version: garbage.version });
    expect(off.statusCode, off.body).toBe(200);
    expect(json(off)).toMatchObject({ active: false, version: 2 });
    const again = await clerk.post('/api/v1/consultations', {
      channel: '電話',
      consulterType: '本人',
      chiefComplaint: '再び',
      response: '継続相談',
      consentStatus: '未確認',
      issues: ['ごみ屋敷'],
    });
    expect(again.statusCode).toBe(422);
    // The old consultation still shows it; the list marks it inactive.
    expect(json(await clerk.get(`/api/v1/consultations/${old.id}`)).issues).toContain('ごみ屋敷');
    expect((await taxonomy()).issues.find((i) => i.label === 'ごみ屋敷')).toMatchObject({ active: false, builtIn: false });

    // A 課題's name cannot change under the records that carry it; a stale version is a 409.
    expect((await admin.patch(`/api/v1/municipality/taxonomy/${pets.id}`, { label: '多頭飼育崩壊', version: 1 })).statusCode).toBe(422);
    expect((await admin.patch(`/api/v1/municipality/taxonomy/${garbage.id}`, { active: true, version: 1 })).statusCode).toBe(409);
    // Reorder and reactivate.
    expect((await admin.patch(`/api/v1/municipality/taxonomy/${pets.id}`, { move: 'up', version: 1 })).statusCode).toBe(200);
    const reordered = (await taxonomy()).issues.map((i) => i.label);
    expect(reordered.slice(-3)).toEqual(['多頭飼育', 'ごみ屋敷', 'その他']);
    const current = (await taxonomy()).issues.find((i) => i.label === 'ごみ屋敷')!;
    expect((await admin.patch(`/api/v1/municipality/taxonomy/${current.id}`, { active: true, version: current.version })).statusCode).toBe(200);
    await consult(clerk, { chiefComplaint: '再開後', issues: ['ごみ屋敷'] });
  });

  it('an added consent purpose is recorded and shown; unknown or deactivated ones are refused; the old record keeps its label', async () => {
    const work = await add('consent_purpose', '就労支援事業所への情報提供');
    expect(work.code).toMatch(/^x_[a-z0-9]+$/);
    const items = await recordConsent(clerk, { personId, purpose: work.code as never });
    const recorded = items.find((k: { purpose: string }) => k.purpose === work.code);
    expect(recorded).toMatchObject({ purposeLabel: '就労支援事業所への情報提供', decision: 'granted', current: true });

    const before = await countRows(t.db, 'consents');
    const body = { personId, decision: 'granted', scopeKind: 'all', consentedOn: todayJst(), method: '書面' };
    for (const purpose of ['x_doesnotexist', 'anything_else']) {
      const res = await clerk.post('/api/v1/consents', { ...body, purpose });
      expect(res.statusCode, purpose).toBe(422);
      expect(json(res).error.fields.purpose).toBeTruthy();
    }

    // On intake too.
    const viaIntake = await consult(clerk, {
      personId,
      chiefComplaint: '就労の相談',
      consentStatus: 'あり',
      consent: { purposes: ['agency_sharing', work.code], scopeKind: 'all', method: '口頭' },
    });
    expect(viaIntake.id).toBeTruthy();
    expect(await countRows(t.db, 'consents')).toBe(before + 2);

    const off = await admin.patch(`/api/v1/municipality/taxonomy/${work.id}`, { active: false, version: work.version });
    expect(off.statusCode, off.body).toBe(200);
    expect((await clerk.post('/api/v1/consents', { ...body, purpose: work.code })).statusCode).toBe(422);
    const history = json(await clerk.get(`/api/v1/persons/${personId}/consents`)).items as { purpose: string; purposeLabel: string; current: boolean; id: string }[];
    const kept = history.filter((k) => k.purpose === work.code);
    expect(kept).toHaveLength(2);
    expect(kept.every((k) => k.purposeLabel === '就労支援事業所への情報提供')).toBe(true);
    // A consent to a deactivated purpose can still be withdrawn.
    const latest = kept.find((k) => k.current)!;
    const withdrawn = await clerk.post(`/api/v1/consents/${latest.id}/withdraw`, { withdrawnOn: todayJst(), reason: '本人の申し出' });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    // The timeline names the purpose.
    const timeline = json(await clerk.get(`/api/v1/persons/${personId}/timeline`)).items as { title: string }[];
    expect(timeline.some((e) => e.title.startsWith('同意（就労支援事業所への情報提供）'))).toBe(true);
    // Its label may be corrected (records store the code).
    expect((await admin.patch(`/api/v1/municipality/taxonomy/${work.id}`, { label: '就労支援機関への情報提供', version: 2 })).statusCode).toBe(200);
    const relabelled = json(await clerk.get(`/api/v1/persons/${personId}/consents`)).items as { purpose: string; purposeLabel: string }[];
    expect(relabelled.find((k) => k.purpose === work.code)!.purposeLabel).toBe('就労支援機関への情報提供');
  });
});
