import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoData } from '../../src/demo/generator.ts';
import { PERSON_SEARCH_MATCH_LIMIT } from '../../src/people/service.ts';
import { newId } from '../../src/shared/ids.ts';
import { normalizeForSearch } from '../../src/shared/normalize.ts';
import { DATABASE_KINDS, json, useTestApp, type Agent, type Response, type TestUser } from '../support/app.ts';
import { caseWorld, open8050Case, type CaseWorld } from '../support/cases.ts';
import { setBodyRule } from '../support/meetings.ts';
import { bornYearsAgo, consult, recordConsent, registerPerson, todayJst } from '../support/people.ts';

/**
 * What the first outside probe found (issue 12, item 1), as regression tests:
 * names through a referral that did not name the person, household members
 * the viewer may not see, the person search by one or two characters, and a
 * sweep of every endpoint that can carry a name, as outsiders (another agency
 * without consent, the 事務局 without consent, 管理者, 監査担当).
 */
const SECRETARIAT_AGENCY = '地域福祉課';
const NONE = '00000000-0000-4000-8000-000000000000';

interface Viewer {
  label: string;
  user: TestUser;
  agent: Agent;
}

/** Every secret string of a person that must never appear in a body the viewer may not see. */
function expectNoSecrets(res: Response, secrets: string[], where: string) {
  for (const s of secrets) expect(res.body.includes(s), `${where}: ${s} in ${res.body.slice(0, 400)}`).toBe(false);
}

describe.each(DATABASE_KINDS)('probe access (%s)', (kind) => {
  const t = useTestApp(kind);
  let w: CaseWorld;
  let sec: Viewer;
  let admin: Viewer;
  let auditor: Viewer;

  beforeAll(async () => {
    w = await caseWorld(t);
    const [s, a, u] = await Promise.all([
      t.createUser({ agency: SECRETARIAT_AGENCY, role: 'secretariat', name: '事務局 花子' }),
      t.createUser({ agency: SECRETARIAT_AGENCY, role: 'admin', name: '管理 太郎' }),
      t.createUser({ agency: SECRETARIAT_AGENCY, role: 'auditor', name: '監査 次子' }),
    ]);
    const viewer = async (label: string, user: TestUser): Promise<Viewer> => ({ label, user, agent: await t.login(user.loginId, user.password) });
    [sec, admin, auditor] = await Promise.all([viewer('事務局', s), viewer('管理者', a), viewer('監査担当', u)]);
  });

  /** A referral the API accepts (anonymous, about nothing), then pointed at `consultationId` as the demo generator wrote them. */
  async function personlessReferralTo(from: Agent, consultationId: string, to: { agencyId?: string; coordination?: boolean }, text: { chief: string; content: string }) {
    const res = await from.post('/api/v1/referrals', {
      ...(to.coordination ? { toCoordination: true } : { toAgencyId: to.agencyId }),
      chiefComplaint: text.chief,
      content: text.content,
      reason: '専門の機関での対応が必要なため',
      consentConfirmed: false,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = json(res).id as string;
    await t.db.updateTable('referrals').set({ consultation_id: consultationId }).where('id', '=', id).execute();
    return id;
  }

  describe('a referral that did not name the person', () => {
    const NAME = '伏字 花代';
    const KANA = 'フセジ ハナヨ';
    const CONSULTER = '伏字 長男';
    let personId: string;
    let householdId: string;
    let consultationId: string;
    const receivers: { label: string; agent: () => Agent; to: () => { agencyId?: string; coordination?: boolean } }[] = [
      { label: '地域包括（機関職員）', agent: () => w.houkatsu.agent, to: () => ({ agencyId: w.agencies.houkatsu }) },
      { label: 'コーディネーター', agent: () => w.coordinator.agent, to: () => ({ coordination: true }) },
      { label: '事務局', agent: () => sec.agent, to: () => ({ agencyId: sec.user.agencyId }) },
    ];
    const secrets = () => [NAME, KANA, CONSULTER, '花代', 'ハナヨ', personId, householdId, '元の相談だけの記載'];

    beforeAll(async () => {
      const person = await registerPerson(w.window.agent, { name: NAME, nameKana: KANA, birthDate: bornYearsAgo(80), gender: '女' });
      personId = person.id;
      const household = await w.window.agent.post('/api/v1/households', { name: '伏字さん世帯', members: [{ personId, relationship: '本人', livingTogether: true }] });
      expect(household.statusCode, household.body).toBe(201);
      householdId = json(household).id;
      const c = await consult(w.window.agent, {
        personId,
        householdId,
        consulterType: '家族',
        consulterRelation: '子',
        consulterName: CONSULTER,
        subjectSummary: '本町の80代女性',
        chiefComplaint: '元の相談だけの記載：花代さんの介護',
        content: '元の相談だけの記載。花代さん（80歳）の介護について長男から。',
        issues: ['介護'],
      });
      consultationId = c.id;
      for (const r of receivers) {
        await personlessReferralTo(w.window.agent, consultationId, r.to(), { chief: `介護の相談（${r.label}へ）`, content: 'つなぎに書いた内容だけ' });
      }
    });

    it.each([0, 1, 2])('the receiver sees the consultation masked to the referral (receiver %i)', async (i) => {
      const r = receivers[i]!;
      const agent = r.agent();
      expect((await agent.get(`/api/v1/persons/${personId}`)).statusCode).toBe(404);
      const one = await agent.get(`/api/v1/consultations/${consultationId}`);
      expect(one.statusCode, one.body).toBe(200);
      const v = json(one);
      expect(v).toMatchObject({
        id: consultationId,
        masked: true,
        basis: 'referral',
        person: null,
        consulterName: null,
        consulterRelation: null,
        householdId: null,
        subjectSummary: null,
        chiefComplaint: `介護の相談（${r.label}へ）`,
        content: 'つなぎに書いた内容だけ',
      });
      expect(v.sharedThrough.fromAgencyName).toBe('福祉総合相談窓口（自立相談サポートセンター）');
      // Only the referral this agency took part in, not those to the others.
      expect(v.referrals).toHaveLength(1);
      expectNoSecrets(one, secrets(), `GET /consultations/:id as ${r.label}`);

      const list = await agent.get('/api/v1/consultations?scope=visible&limit=100');
      expect(list.statusCode).toBe(200);
      const row = json(list).items.find((x: { id: string }) => x.id === consultationId);
      expect(row, r.label).toMatchObject({ masked: true, person: null, chiefComplaint: `介護の相談（${r.label}へ）` });
      expectNoSecrets(list, secrets(), `GET /consultations?scope=visible as ${r.label}`);

      // ?personId= finds nothing, exactly as for a person who does not exist (no existence oracle).
      const byPerson = await agent.get(`/api/v1/consultations?scope=visible&personId=${personId}`);
      const byNobody = await agent.get(`/api/v1/consultations?scope=visible&personId=${NONE}`);
      expect(byPerson.statusCode).toBe(200);
      expect(json(byPerson).items).toEqual([]);
      expect(byPerson.body).toBe(byNobody.body);
      // Nor passed on as the origin of another referral (it would share more than the sender did).
      const onward = await agent.post('/api/v1/referrals', {
        consultationId,
        toAgencyId: w.agencies.other,
        chiefComplaint: '転送',
        content: '転送',
        reason: '転送',
        consentConfirmed: false,
      });
      expect(onward.statusCode, onward.body).toBe(422);
      expect(Object.keys(json(onward).error.fields)).toEqual(['consultationId']);
      expectNoSecrets(onward, secrets(), 'POST /referrals');
      // Nor may a case be opened from it as if the person were known.
      if (r.label === 'コーディネーター') {
        const opened = await agent.post('/api/v1/cases', { origin: 'consultation', consultationId });
        expect(opened.statusCode).toBe(422);
        expectNoSecrets(opened, secrets(), 'POST /cases');
      }
      const audit = await t.db
        .selectFrom('audit_events')
        .select(['details'])
        .where('actor_user_id', '=', (i === 0 ? w.houkatsu.user : i === 1 ? w.coordinator.user : sec.user).id)
        .where('action', '=', 'consultation.read')
        .where('target_id', '=', consultationId)
        .execute();
      expect(audit.at(-1)?.details).toMatchObject({ masked: true, basis: 'referral' });
    });

    it('the sender keeps the full record; an outsider gets 404, admin and auditor 403', async () => {
      const own = json(await w.window.agent.get(`/api/v1/consultations/${consultationId}`));
      expect(own).toMatchObject({ masked: false, basis: 'agency', person: { id: personId, displayName: NAME }, consulterName: CONSULTER, householdId });
      expect(own.referrals).toHaveLength(3);
      const outsider = await w.outsider.agent.get(`/api/v1/consultations/${consultationId}`);
      expect(outsider.statusCode).toBe(404);
      for (const v of [admin, auditor]) expect((await v.agent.get(`/api/v1/consultations/${consultationId}`)).statusCode).toBe(403);
    });

    it('a referral naming the same person shows the identity only; consent shows it in full', async () => {
      const p = await registerPerson(w.window.agent, { name: '名指 一子', nameKana: 'ナザシ イチコ', birthDate: bornYearsAgo(70) });
      await recordConsent(w.window.agent, { personId: p.id, scopeKind: 'listed', agencyIds: [w.agencies.houkatsu] });
      const c = await consult(w.window.agent, { personId: p.id, chiefComplaint: '相談だけの記載：一子さん', content: '相談だけの記載' });
      const sent = await w.window.agent.post('/api/v1/referrals', {
        consultationId: c.id,
        toAgencyId: w.agencies.houkatsu,
        chiefComplaint: '見守りの依頼',
        content: 'つなぎの内容',
        reason: '地域での見守りが必要なため',
        consentConfirmed: true,
      });
      expect(sent.statusCode, sent.body).toBe(201);
      // Within consent: the whole record.
      expect(json(await w.houkatsu.agent.get(`/api/v1/consultations/${c.id}`))).toMatchObject({ masked: false, basis: 'consent', chiefComplaint: '相談だけの記載：一子さん' });
      // The consent withdrawn: what the referral shared, with the person it named.
      const consents = json(await w.window.agent.get(`/api/v1/persons/${p.id}/consents`)).items as { id: string; purpose: string }[];
      const withdrawn = await w.window.agent.post(`/api/v1/consents/${consents.find((k) => k.purpose === 'agency_sharing')!.id}/withdraw`, {
        withdrawnOn: todayJst(),
        reason: '本人の申し出',
      });
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      const masked = await w.houkatsu.agent.get(`/api/v1/consultations/${c.id}`);
      expect(json(masked)).toMatchObject({ masked: true, basis: 'referral', person: { id: p.id, displayName: '名指 一子' }, chiefComplaint: '見守りの依頼', content: 'つなぎの内容' });
      expect(masked.body.includes('相談だけの記載')).toBe(false);
      expect(json(await w.houkatsu.agent.get(`/api/v1/persons/${p.id}`)).access.level).toBe('referral');
      const byPerson = json(await w.houkatsu.agent.get(`/api/v1/consultations?scope=visible&personId=${p.id}`)).items;
      expect(byPerson.map((x: { id: string }) => x.id)).toEqual([c.id]);
      expect(byPerson[0].masked).toBe(true);
    });
  });

  describe('household members the viewer may not see', () => {
    const HIDDEN = '奥座 隠男';
    const HIDDEN_KANA = 'オクザ カクオ';
    let mother: string;
    let son: string;
    let householdId: string;

    beforeAll(async () => {
      mother = (await registerPerson(w.window.agent, { name: '奥座 見江', nameKana: 'オクザ ミエ', birthDate: bornYearsAgo(84), gender: '女' })).id;
      son = (await registerPerson(w.window.agent, { name: HIDDEN, nameKana: HIDDEN_KANA, birthDate: '1971-03-04', gender: '男' })).id;
      await recordConsent(w.window.agent, { personId: mother, scopeKind: 'listed', agencyIds: [w.agencies.houkatsu] });
      const h = await w.window.agent.post('/api/v1/households', {
        name: '奥座さん世帯',
        note: '隠男さんは長くひきこもっている',
        members: [
          { personId: mother, relationship: '本人', livingTogether: true },
          { personId: son, relationship: '子', livingTogether: true, situation: '隠男の状況メモ' },
        ],
      });
      expect(h.statusCode, h.body).toBe(201);
      householdId = json(h).id;
      await consult(w.window.agent, { personId: son, householdId, chiefComplaint: '隠男さんのひきこもり', issues: ['ひきこもり・不登校'] });
      await consult(w.window.agent, { personId: mother, householdId, chiefComplaint: '見江さんの介護', issues: ['介護'] });
      // A referral about the son to the coordinators, whose consultation the viewer sees in full through the mother's consent? No: the son's own.
      const sonConsultation = json(await w.window.agent.get(`/api/v1/consultations?scope=mine&personId=${son}`)).items[0];
      await personlessReferralTo(w.window.agent, sonConsultation.id, { agencyId: w.agencies.houkatsu }, { chief: '家族の相談', content: '世帯の相談' });
    });

    const secrets = () => [HIDDEN, HIDDEN_KANA, '隠男', 'カクオ', '1971-03-04', son, '隠男の状況メモ'];

    it('a viewer with access to the mother sees her; the son is counted, never named, nor his timeline entries', async () => {
      const res = await w.houkatsu.agent.get(`/api/v1/households/${householdId}`);
      expect(res.statusCode, res.body).toBe(200);
      const v = json(res);
      expect(v.members.map((m: { personId: string }) => m.personId)).toEqual([mother]);
      expect(v.hiddenMembers).toBe(1);
      // The note may speak of the son: withheld, and not to be overwritten unseen.
      expect(v.note).toBeNull();
      expectNoSecrets(res, secrets(), 'GET /households/:id');
      const edit = await w.houkatsu.agent.patch(`/api/v1/households/${householdId}`, { note: '上書き', version: v.version });
      expect(edit.statusCode, edit.body).toBe(422);
      expect(Object.keys(json(edit).error.fields)).toEqual(['note']);
      expect(json(await w.window.agent.get(`/api/v1/households/${householdId}`)).note).toBe('隠男さんは長くひきこもっている');
      const timeline = await w.houkatsu.agent.get(`/api/v1/households/${householdId}/timeline`);
      expect(timeline.statusCode).toBe(200);
      const items = json(timeline).items as { personId: string | null; detail: string }[];
      expect(items.every((e) => e.personId === mother), timeline.body).toBe(true);
      expect(items.map((e) => e.detail)).toContain('見江さんの介護');
      expectNoSecrets(timeline, secrets(), 'GET /households/:id/timeline');
    });

    it('timelines list no consultation seen only through a referral that did not name the person, nor others’ referrals about it', async () => {
      // The 包括 registered her (full access); her consent covers the window and the coordinators, not the 包括.
      const q = (await registerPerson(w.houkatsu.agent, { name: '経過 見子', nameKana: 'ケイカ ミコ', birthDate: bornYearsAgo(79) })).id;
      await recordConsent(w.houkatsu.agent, { personId: q, scopeKind: 'listed', agencyIds: [w.agencies.window, w.agencies.coord] });
      const h = await w.houkatsu.agent.post('/api/v1/households', { name: '経過さん世帯', members: [{ personId: q, relationship: '本人', livingTogether: true }] });
      const c = await consult(w.window.agent, { personId: q, chiefComplaint: '窓口だけの主訴', issues: ['介護'] });
      const named = await w.window.agent.post('/api/v1/referrals', {
        consultationId: c.id,
        toCoordination: true,
        chiefComplaint: '調整への主訴',
        content: '調整への内容',
        reason: '複数の課題',
        consentConfirmed: true,
      });
      expect(named.statusCode, named.body).toBe(201);
      await personlessReferralTo(w.window.agent, c.id, { agencyId: w.agencies.houkatsu }, { chief: '包括への主訴', content: '包括への内容' });
      for (const path of [`/api/v1/persons/${q}/timeline`, `/api/v1/households/${json(h).id}/timeline`]) {
        const res = await w.houkatsu.agent.get(path);
        expect(res.statusCode, res.body).toBe(200);
        expectNoSecrets(res, ['窓口だけの主訴', '調整への主訴', c.id], path);
      }
      // The consultation itself opens masked, the household's hints ignore it.
      expect(json(await w.houkatsu.agent.get(`/api/v1/consultations/${c.id}`))).toMatchObject({ masked: true, person: null, chiefComplaint: '包括への主訴' });
    });

    it.each(['outsider', 'secretariat', 'admin', 'auditor'] as const)('%s: 404 or 403, and no name', async (who) => {
      const agent = who === 'outsider' ? w.outsider.agent : who === 'secretariat' ? sec.agent : who === 'admin' ? admin.agent : auditor.agent;
      for (const path of [`/api/v1/households/${householdId}`, `/api/v1/households/${householdId}/timeline`]) {
        const res = await agent.get(path);
        expect(res.statusCode, `${who} ${path}`).toBe(who === 'admin' || who === 'auditor' ? 403 : 404);
        expectNoSecrets(res, [...secrets(), '奥座'], `${who} ${path}`);
      }
    });
  });

  it('a case team member sees a household member on the case whose consent no longer covers it masked, never named', async () => {
    const opened = await open8050Case(w, { name: '案件 息子', consentAgencies: [w.agencies.window, w.agencies.coord, w.agencies.houkatsu] });
    const mother = (await registerPerson(w.window.agent, { name: '案件 母世', nameKana: 'アンケン ハハヨ', birthDate: '1941-02-03', gender: '女' })).id;
    await recordConsent(w.window.agent, { personId: mother, scopeKind: 'all' });
    const added = await w.coordinator.agent.post(`/api/v1/cases/${opened.case.id}/persons`, { personId: mother, relation: '世帯員' });
    expect(added.statusCode, added.body).toBe(200);
    const team = await w.coordinator.agent.post(`/api/v1/cases/${opened.case.id}/team`, { agencyId: w.agencies.houkatsu, role: 'cooperating' });
    expect(team.statusCode, team.body).toBe(201);
    expect((await w.houkatsu.agent.get(`/api/v1/cases/${opened.case.id}`)).body).toContain('案件 母世');
    // Her consent becomes one that lists the window and the coordinators only.
    await recordConsent(w.window.agent, { personId: mother, scopeKind: 'listed', agencyIds: [w.agencies.window, w.agencies.coord] });
    const res = await w.houkatsu.agent.get(`/api/v1/cases/${opened.case.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const masked = json(res).persons.find((p: { visible: boolean }) => !p.visible);
    expect(masked).toMatchObject({ nameKana: null, birthDate: null, relation: '世帯員' });
    expectNoSecrets(res, ['案件 母世', 'アンケン ハハヨ', '母世', '1941-02-03'], 'GET /cases/:id');
  });

  describe('person search by one or two characters', () => {
    /** Hidden from every viewer below: registered by the window, no consent, no referral. */
    const HIDDEN = { name: '阿漕 秘子', nameKana: 'アコギ ヒメコ' };
    let hiddenId: string;
    const viewers = () => [
      { label: '事務局', agent: sec.agent },
      { label: 'コーディネーター', agent: w.coordinator.agent },
      { label: '機関職員', agent: w.houkatsu.agent },
    ];
    const own = new Map<string, string>();

    beforeAll(async () => {
      hiddenId = (await registerPerson(w.window.agent, { ...HIDDEN, birthDate: bornYearsAgo(40) })).id;
      // Each viewer registers a person of its own with the same short grams: found by that viewer only.
      for (const v of viewers()) {
        own.set(v.label, (await registerPerson(v.agent, { name: `阿漕 ${v.label === '事務局' ? '見子' : v.label === 'コーディネーター' ? '見江' : '見代'}`, nameKana: 'アコギ ミコ' })).id);
      }
    });

    it.each(['あ', 'ア', 'あこ', 'アコ', '阿', '阿漕', 'ひめ', '秘'])('q=%s: never a hidden person, always the viewer’s own', async (q) => {
      for (const v of viewers()) {
        const res = await v.agent.get(`/api/v1/persons?q=${encodeURIComponent(q)}&limit=100`);
        expect(res.statusCode, `${v.label} ${q} ${res.body}`).toBe(200);
        const ids = (json(res).items as { id: string }[]).map((x) => x.id);
        expect(ids, `${v.label} ${q}`).not.toContain(hiddenId);
        expectNoSecrets(res, [HIDDEN.name, HIDDEN.nameKana, '秘子', 'ヒメコ'], `${v.label} q=${q}`);
        if (!['ひめ', '秘'].includes(q)) expect(ids, `${v.label} ${q}`).toContain(own.get(v.label));
        for (const other of viewers()) if (other.label !== v.label) expect(ids).not.toContain(own.get(other.label));
      }
    });

    it(`a search matching more than ${PERSON_SEARCH_MATCH_LIMIT} people is refused for every viewer, whoever they may see`, async () => {
      const agency = w.agencies.window;
      const rows = Array.from({ length: PERSON_SEARCH_MATCH_LIMIT + 1 }, (_, i) => {
        const name = `沼田 ${String(i).padStart(3, '0')}`;
        const kana = 'ヌマタ ヌイ';
        return {
          municipality_id: t.municipalityId,
          id: newId(),
          name,
          name_kana: kana,
          alias: null,
          birth_date: null,
          age_band: null,
          gender: '不明',
          address: null,
          phone: null,
          contact_caution: null,
          name_norm: normalizeForSearch(name),
          kana_norm: normalizeForSearch(kana),
          address_norm: '',
          phone_digits: '',
          registered_by_agency_id: agency,
          registered_by_user_id: w.window.user.id,
          updated_at: new Date(),
        };
      });
      await t.db.insertInto('persons').values(rows).execute();
      for (const q of ['ぬ', 'ヌマ', '沼']) {
        for (const v of [...viewers(), { label: '窓口', agent: w.window.agent }]) {
          const res = await v.agent.get(`/api/v1/persons?q=${encodeURIComponent(q)}`);
          expect(res.statusCode, `${v.label} ${q}`).toBe(422);
          expect(json(res).error.code).toBe('search_too_broad');
          expectNoSecrets(res, ['沼田'], `${v.label} ${q}`);
        }
      }
      // Narrowed, the window finds its own.
      const narrowed = await w.window.agent.get(`/api/v1/persons?q=${encodeURIComponent('沼田 007')}`);
      expect(narrowed.statusCode).toBe(200);
      expect(json(narrowed).items.map((x: { name: string }) => x.name)).toEqual(['沼田 007']);
    });
  });

  describe('sweep: every endpoint that can carry a name, as an outsider', () => {
    const NAME = '秘匿 禁子';
    const KANA = 'ヒトク キンコ';
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      // The person consents to sharing with the window and the coordinators only.
      const p = await registerPerson(w.window.agent, { name: NAME, nameKana: KANA, birthDate: '1966-06-06', gender: '女', phone: '042-111-2233', address: '小金井市秘匿町1-1' });
      ids.person = p.id;
      await recordConsent(w.window.agent, { personId: p.id, scopeKind: 'listed', agencyIds: [w.agencies.window, w.agencies.coord] });
      await recordConsent(w.window.agent, { personId: p.id, purpose: 'meeting_sharing', scopeKind: 'listed', agencyIds: [w.agencies.window, w.agencies.coord] });
      const h = await w.window.agent.post('/api/v1/households', { name: '秘匿さん世帯', members: [{ personId: p.id, relationship: '本人', livingTogether: true }] });
      ids.household = json(h).id;
      const c = await consult(w.window.agent, { personId: p.id, householdId: ids.household, chiefComplaint: '禁子さんの生活の相談', issues: ['収入・生活費', '8050'] });
      ids.consultation = c.id;
      const sent = await w.window.agent.post('/api/v1/referrals', {
        consultationId: c.id,
        toCoordination: true,
        chiefComplaint: '禁子さんについて多機関協働を',
        content: '禁子さんの世帯の課題が複数ある',
        reason: '複数の課題',
        consentConfirmed: true,
      });
      expect(sent.statusCode, sent.body).toBe(201);
      ids.referral = json(sent).id;
      // The 包括 receives a referral that does not name her, pointing at the same consultation.
      ids.maskedReferral = await personlessReferralTo(w.window.agent, c.id, { agencyId: w.agencies.houkatsu }, { chief: '見守りの依頼', content: '地域での見守りを' });
      expect((await w.coordinator.agent.post(`/api/v1/referrals/${ids.referral}/accept`, { version: 1 })).statusCode).toBe(200);
      const opened = await w.coordinator.agent.post('/api/v1/cases', { origin: 'referral', referralId: ids.referral });
      expect(opened.statusCode, opened.body).toBe(201);
      ids.case = json(opened).id;
      const rec = await w.coordinator.agent.post(`/api/v1/cases/${ids.case}/records`, {
        occurredAt: new Date(Date.now() - 3600_000).toISOString(),
        kind: '面談',
        content: '禁子さんと面談した',
      });
      expect(rec.statusCode, rec.body).toBe(201);
      ids.record = json(rec).id;
      // This sweep is about who sees names, not about 小金井市's convening rule (test/api/meeting-rules.test.ts).
      await setBodyRule(t, (b) => b.kind === 'jusou', { convenedBy: null, secretariatAttends: false });
      const bodies = await t.db.selectFrom('meeting_bodies').select(['id', 'kind']).where('municipality_id', '=', t.municipalityId).execute();
      const meeting = await w.coordinator.agent.post('/api/v1/meetings', {
        meetingBodyId: bodies.find((b) => b.kind === 'jusou')!.id,
        title: '重層的支援会議（秘匿の回）',
        scheduledAt: new Date(Date.now() - 3600_000).toISOString(),
        place: '市役所',
      });
      expect(meeting.statusCode, meeting.body).toBe(201);
      ids.meeting = json(meeting).id;
      const agenda = await w.coordinator.agent.post(`/api/v1/meetings/${ids.meeting}/agenda`, { kind: 'case', caseId: ids.case, title: '禁子さんの事例' });
      expect(agenda.statusCode, agenda.body).toBe(201);
    });

    const paths = () => [
      `/api/v1/persons/${ids.person}`,
      `/api/v1/persons/${ids.person}/timeline`,
      `/api/v1/persons/${ids.person}/consents`,
      `/api/v1/persons?q=${encodeURIComponent('秘匿')}`,
      `/api/v1/persons?q=${encodeURIComponent('禁')}`,
      `/api/v1/persons?q=${encodeURIComponent('キンコ')}`,
      `/api/v1/persons?phone=0421112233`,
      `/api/v1/persons?birthDate=1966-06-06`,
      `/api/v1/households/${ids.household}`,
      `/api/v1/households/${ids.household}/timeline`,
      `/api/v1/consultations/${ids.consultation}`,
      `/api/v1/consultations?scope=visible&limit=100`,
      `/api/v1/consultations?scope=visible&personId=${ids.person}`,
      `/api/v1/consultations?scope=mine&personId=${ids.person}`,
      `/api/v1/referrals/${ids.referral}`,
      `/api/v1/referrals?box=inbox`,
      `/api/v1/referrals?box=outbox`,
      `/api/v1/referrals?box=inbox&personId=${ids.person}`,
      `/api/v1/cases`,
      `/api/v1/cases?mine=true`,
      `/api/v1/cases/${ids.case}`,
      `/api/v1/cases/${ids.case}/team`,
      `/api/v1/cases/${ids.case}/transitions`,
      `/api/v1/cases/${ids.case}/records`,
      `/api/v1/cases/${ids.case}/records/${ids.record}/history`,
      `/api/v1/cases/${ids.case}/assessments`,
      `/api/v1/cases/${ids.case}/assessments/latest`,
      `/api/v1/cases/${ids.case}/plans`,
      `/api/v1/cases/${ids.case}/info-requests`,
      `/api/v1/info-requests`,
      `/api/v1/records/today`,
      `/api/v1/tasks`,
      `/api/v1/tasks/overview`,
      `/api/v1/meetings`,
      `/api/v1/meetings/${ids.meeting}`,
      `/api/v1/meetings/${ids.meeting}/agenda`,
      `/api/v1/meetings/${ids.meeting}/materials`,
      `/api/v1/meetings/${ids.meeting}/decisions`,
      `/api/v1/meetings/${ids.meeting}/attendees`,
      `/api/v1/meetings/follow-ups`,
      `/api/v1/notifications`,
    ];

    it.each(['outsider', 'secretariat', 'houkatsu', 'admin', 'auditor'] as const)('%s: 403/404 or a list without the person', async (who) => {
      const agent = { outsider: w.outsider.agent, secretariat: sec.agent, houkatsu: w.houkatsu.agent, admin: admin.agent, auditor: auditor.agent }[who];
      const secrets = [NAME, KANA, '禁子', 'キンコ', '042-111-2233', '秘匿町', '1966-06-06', ids.person!];
      const seen: string[] = [];
      for (const path of paths()) {
        const res = await agent.get(path);
        seen.push(`${res.statusCode} ${path}`);
        expect([200, 403, 404], `${who} ${path}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        expectNoSecrets(res, secrets, `${who} ${path}`);
      }
      // Duplicate detection with the person's own details proposes nobody hidden.
      const dup = await agent.post('/api/v1/persons/duplicates', { name: NAME, nameKana: KANA, birthDate: '1966-06-06', phone: '042-111-2233' });
      expect([200, 403]).toContain(dup.statusCode);
      expectNoSecrets(dup, secrets, `${who} POST /persons/duplicates`);
      const routing = await agent.post('/api/v1/routing-suggestions', { personId: ids.person, issues: ['介護'] });
      expect([200, 403, 404], routing.body).toContain(routing.statusCode);
      expectNoSecrets(routing, secrets, `${who} POST /routing-suggestions`);
      // Pages that carry the person's data are refused outright; the 包括 sees the consultation masked to its referral.
      for (const path of [`/api/v1/persons/${ids.person}`, `/api/v1/consultations/${ids.consultation}`, `/api/v1/cases/${ids.case}`, `/api/v1/households/${ids.household}`]) {
        const masked = who === 'houkatsu' && path.includes('/consultations/');
        expect(seen, who).toContain(`${who === 'admin' || who === 'auditor' ? 403 : masked ? 200 : 404} ${path}`);
      }
      if (who === 'houkatsu') {
        expect(json(await agent.get(`/api/v1/consultations/${ids.consultation}`))).toMatchObject({ masked: true, person: null, chiefComplaint: '見守りの依頼' });
      }
    });

    it('the team sees the person (the sweep’s secrets are real)', async () => {
      for (const path of [`/api/v1/persons/${ids.person}`, `/api/v1/cases/${ids.case}`, `/api/v1/meetings/${ids.meeting}/agenda`, `/api/v1/consultations/${ids.consultation}`]) {
        const res = await w.coordinator.agent.get(path);
        expect(res.statusCode, `${path} ${res.body}`).toBe(200);
        expect(res.body.includes('禁子'), path).toBe(true);
      }
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from persons where id = ${ids.person}::uuid`.execute(t.db);
      expect(rows[0]!.n).toBe(1);
    });
  });
});

describe.each(DATABASE_KINDS)('demo generator: referrals as the API makes them (%s)', (kind) => {
  const t = useTestApp(kind);

  it('a referral about an identified consultation names its person, within the person’s consent', async () => {
    const generated = await generateDemoData(t.db, { municipalityId: t.municipalityId, population: 400, years: 2, seed: 12, cases: 10 });
    expect(generated.referrals).toBeGreaterThan(20);
    const { rows } = await sql<{ unnamed: number; named: number; outside: number; unlinked: number }>`
      select count(*) filter (where r.person_id is null and c.person_id is not null)::int as unnamed,
             count(*) filter (where r.person_id is not null)::int as named,
             count(*) filter (where r.person_id is not null and (r.person_id <> c.person_id or not r.consent_confirmed or not exists (
               select 1 from consents k where k.municipality_id = r.municipality_id and k.person_id = r.person_id
                 and k.purpose = 'agency_sharing' and k.decision = 'granted' and k.scope_kind = 'all')))::int as outside,
             count(*) filter (where r.consultation_id is null)::int as unlinked
      from referrals r left join consultations c on c.municipality_id = r.municipality_id and c.id = r.consultation_id
      where r.municipality_id = ${t.municipalityId}`.execute(t.db);
    expect(rows[0]).toMatchObject({ unnamed: 0, outside: 0 });
    expect(rows[0]!.named).toBeGreaterThan(0);
    // Without consent the clerk refers without identifying the person: no link to the consultation.
    expect(rows[0]!.unlinked).toBeGreaterThan(0);
  }, 120_000);
});
