import { sql, type RawBuilder, type Transaction } from 'kysely';
import { Gateway, requireUser, type Scope } from '../access/gateway.ts';
import type { SystemContext } from '../access/context.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/types.ts';
import { readSettings, type Settings } from '../municipalities/settings.ts';
import { todayJst } from '../shared/date-input.ts';
import { newId } from '../shared/ids.ts';
import { RETENTION_PERIODS, retentionCutoff, type RetentionKind } from '../shared/retention.ts';
import { CONSENT_PURPOSE_LABELS, type RetentionPreview, type RetentionRunResult, type RetentionType } from './schema.ts';

/**
 * Retention of personal data (保存期間). After its period a record's personal
 * data is removed — names, free text, contact details nulled; scanned forms
 * deleted — while the row stays with its dates, agency, channel, 課題, status
 * and closure reason, so every 年度 figure (新規相談受付件数, 終結実件数,
 * 延べ対応回数, プラン策定件数 …) is still computed from the same rows.
 *
 * One rule holds it together: a person's records are kept while the person
 * has an open case, an open referral, a live emergency access, or any
 * activity on or after the period's cut-off (src/shared/retention.ts); the
 * person's identity goes only when every record about them has gone.
 *
 * `collect` computes the candidates of every type into temporary tables (one
 * transaction, dropped at commit); the preview counts and lists them, the run
 * anonymises exactly them. Audit rows are never touched here: they hold ids,
 * not names, and the audit log has its own retention (audit.retention).
 */

/** The records this job acts on, in the order the page lists them. */
export const RETENTION_TYPES: readonly RetentionType[] = [
  { type: 'cases', label: '事例（多機関協働）', period: 'closedCases', action: 'anonymize' },
  { type: 'meetingItems', label: '会議の議題・議事録', period: 'closedCases', action: 'anonymize', countsFrom: '会議の日' },
  { type: 'consultations', label: '相談受付', period: 'consultations', action: 'anonymize' },
  { type: 'referrals', label: 'つなぎ（共通様式）', period: 'consultations', action: 'anonymize', countsFrom: '完了・差戻しの日' },
  { type: 'notifications', label: 'お知らせ', period: 'consultations', action: 'delete', countsFrom: '届いた日' },
  { type: 'outreachSubjects', label: 'アウトリーチ対象者', period: 'outreachSubjects', action: 'anonymize' },
  { type: 'consents', label: '同意の記録', period: 'consents', action: 'anonymize' },
  { type: 'consentScans', label: '同意書のスキャン', period: 'consentScans', action: 'delete' },
  { type: 'persons', label: '本人（氏名・連絡先など）', period: null, action: 'anonymize' },
  { type: 'households', label: '世帯（世帯名・住所など）', period: null, action: 'anonymize' },
];

/** Placeholder for names and titles that may not be empty. */
export const ANONYMIZED_LABEL = '（保存期間経過）';

/** Rows listed per type on the preview page (the count is always complete). */
const LIST_LIMIT = 200;

type Trx = Transaction<Database>;
type Cutoffs = Record<RetentionKind, string> & { identity: string };

/** The JST calendar date of a timestamptz column (constant SQL text only). */
function jst(column: string): RawBuilder<unknown> {
  return sql.raw(`((${column} at time zone 'UTC') + interval '9 hours')::date`);
}

function cutoffs(settings: Settings, today: string): Cutoffs {
  const c = {} as Cutoffs;
  for (const p of RETENTION_PERIODS) c[p.kind] = retentionCutoff(settings[p.key], today);
  // A person's identity goes when every record about them has gone: the earliest cut-off of cases, consultations and consents.
  c.identity = [c.closedCases, c.consultations, c.consents].sort()[0]!;
  return c;
}

/** Midnight JST at the start of a cut-off day, for timestamptz columns. */
const ts = (date: string) => `${date}T00:00:00+09:00`;

/** "held": the person (state row alias) has an open matter, or activity on or after the cut-off. */
function held(alias: string, cutoff: string): RawBuilder<unknown> {
  return sql`coalesce(${sql.raw(alias)}.open or ${sql.raw(alias)}.last_on >= ${cutoff}::date, false)`;
}

/** Index a candidate table and give the planner its size (temporary tables are never analysed automatically). */
async function settle(trx: Trx, table: string, column: string): Promise<void> {
  await sql`create index on ${sql.table(table)} (${sql.ref(column)})`.execute(trx);
  await sql`analyze ${sql.table(table)}`.execute(trx);
}

async function collect(trx: Trx, m: string, c: Cutoffs): Promise<void> {
  const run = (q: RawBuilder<unknown>) => q.execute(trx);
  // These statements read whole tables once: their plan cost would trigger LLVM compilation on PostgreSQL,
  // which cost more than the statements themselves (20 s instead of 1 s at 20,000 people).
  await run(sql`set local jit = off`);
  // Per person: the last day anything happened, and whether anything is open.
  await run(sql`
    create temp table rt_person_state on commit drop as
    with act as (
      select id as person_id, ${jst('created_at')} as d from persons where municipality_id = ${m}
      union all select id, ${jst('updated_at')} from persons where municipality_id = ${m} and anonymized_at is null
      union all select person_id, ${jst('received_at')} from consultations where municipality_id = ${m} and person_id is not null
      union all
        select coalesce(r.person_id, c.person_id), ${jst('greatest(r.sent_at, r.accepted_at, r.returned_at, r.started_at, r.completed_at)')}
          from referrals r
          left join consultations c on c.municipality_id = r.municipality_id and c.id = r.consultation_id
         where r.municipality_id = ${m} and coalesce(r.person_id, c.person_id) is not null
      union all select person_id, greatest(consented_on, withdrawn_on, ${jst('created_at')}) from consents where municipality_id = ${m}
      union all select person_id, ${jst('created_at')} from consent_documents where municipality_id = ${m}
      union all select person_id, ${jst('added_at')} from household_members where municipality_id = ${m}
      union all select person_id, ${jst('greatest(granted_at, expires_at)')} from emergency_grants where municipality_id = ${m}
      union all
        select cp.person_id, greatest(k.opened_on, k.closed_on, ${jst('k.status_changed_at')}, ${jst('k.last_contact_at')})
          from case_persons cp join cases k on k.municipality_id = cp.municipality_id and k.id = cp.case_id
         where cp.municipality_id = ${m}
      union all
        select cp.person_id, ${jst('s.occurred_at')}
          from case_persons cp join support_records s on s.municipality_id = cp.municipality_id and s.case_id = cp.case_id
         where cp.municipality_id = ${m}
      union all
        select coalesce(ai.person_id, cp.person_id), ${jst('mt.scheduled_at')}
          from meeting_agenda_items ai
          join meetings mt on mt.municipality_id = ai.municipality_id and mt.id = ai.meeting_id
          left join case_persons cp on cp.municipality_id = ai.municipality_id and cp.case_id = ai.case_id
         where ai.municipality_id = ${m} and coalesce(ai.person_id, cp.person_id) is not null
    ),
    open as (
      select cp.person_id from case_persons cp join cases k on k.municipality_id = cp.municipality_id and k.id = cp.case_id
       where cp.municipality_id = ${m} and k.status not in ('closed', 'suspended')
      union
      select coalesce(r.person_id, c.person_id) from referrals r
        left join consultations c on c.municipality_id = r.municipality_id and c.id = r.consultation_id
       where r.municipality_id = ${m} and r.status in ('sent', 'accepted', 'in_progress')
      union
      select person_id from emergency_grants where municipality_id = ${m} and expires_at > now()
    ),
    last as (select person_id, max(d) as last_on from act group by person_id)
    select p.id as person_id, l.last_on, o.person_id is not null as open
      from persons p
      left join last l on l.person_id = p.id
      left join open o on o.person_id = p.id
     where p.municipality_id = ${m}`);
  await settle(trx, 'rt_person_state', 'person_id');

  // Closed or suspended cases whose end, last contact, records and meetings all lie before the cut-off.
  await run(sql`
    create temp table rt_cases on commit drop as
    select k.id from cases k
     where k.municipality_id = ${m} and k.anonymized_at is null and k.status in ('closed', 'suspended')
       and greatest(k.closed_on, ${jst('k.status_changed_at')}, ${jst('k.last_contact_at')}) < ${c.closedCases}::date
       and not exists (select 1 from support_records s
                        where s.municipality_id = k.municipality_id and s.case_id = k.id and s.is_current
                          and s.occurred_at >= ${ts(c.closedCases)}::timestamptz)
       and not exists (select 1 from case_persons cp join rt_person_state ps on ps.person_id = cp.person_id
                        where cp.municipality_id = k.municipality_id and cp.case_id = k.id and ${held('ps', c.closedCases)})
       and not exists (select 1 from meeting_agenda_items ai join meetings mt on mt.municipality_id = ai.municipality_id and mt.id = ai.meeting_id
                        where ai.municipality_id = k.municipality_id and ai.case_id = k.id and mt.scheduled_at >= ${ts(c.closedCases)}::timestamptz)`);
  await settle(trx, 'rt_cases', 'id');

  // Referrals that are closed (returned or completed) and quiet since before the cut-off, not tied to a kept case.
  await run(sql`
    create temp table rt_referral_base on commit drop as
    select r.id, r.consultation_id from referrals r
      left join consultations c on c.municipality_id = r.municipality_id and c.id = r.consultation_id
      left join rt_person_state ps on ps.person_id = coalesce(r.person_id, c.person_id)
     where r.municipality_id = ${m} and r.anonymized_at is null and r.status in ('returned', 'completed')
       and greatest(r.sent_at, r.accepted_at, r.returned_at, r.started_at, r.completed_at) < ${ts(c.consultations)}::timestamptz
       and not ${held('ps', c.consultations)}
       and not exists (select 1 from case_links l join cases k on k.municipality_id = l.municipality_id and k.id = l.case_id
                        where l.municipality_id = r.municipality_id and l.referral_id = r.id and k.anonymized_at is null
                          and not exists (select 1 from rt_cases x where x.id = k.id))`);
  await settle(trx, 'rt_referral_base', 'id');

  // Consultations received before the cut-off, of no kept person, household, case or referral.
  await run(sql`
    create temp table rt_consultations on commit drop as
    select c.id from consultations c
      left join rt_person_state ps on ps.person_id = c.person_id
     where c.municipality_id = ${m} and c.anonymized_at is null and c.received_at < ${ts(c.consultations)}::timestamptz
       and not ${held('ps', c.consultations)}
       and not exists (select 1 from household_members hm join rt_person_state hs on hs.person_id = hm.person_id
                        where hm.municipality_id = c.municipality_id and hm.household_id = c.household_id and ${held('hs', c.consultations)})
       and not exists (select 1 from case_links l join cases k on k.municipality_id = l.municipality_id and k.id = l.case_id
                        where l.municipality_id = c.municipality_id and l.consultation_id = c.id and k.anonymized_at is null
                          and not exists (select 1 from rt_cases x where x.id = k.id))
       and not exists (select 1 from referrals r
                        where r.municipality_id = c.municipality_id and r.consultation_id = c.id and r.anonymized_at is null
                          and not exists (select 1 from rt_referral_base b where b.id = r.id))`);
  await settle(trx, 'rt_consultations', 'id');

  await run(sql`
    create temp table rt_referrals on commit drop as
    select b.id from rt_referral_base b
     where b.consultation_id is null
        or exists (select 1 from rt_consultations x where x.id = b.consultation_id)
        or exists (select 1 from consultations c where c.municipality_id = ${m} and c.id = b.consultation_id and c.anonymized_at is not null)`);
  await settle(trx, 'rt_referrals', 'id');

  // お知らせ are alerts of their day; their titles may name a person. Older than the consultations' cut-off: deleted.
  await run(sql`
    create temp table rt_notifications on commit drop as
    select id from notifications where municipality_id = ${m} and created_at < ${ts(c.consultations)}::timestamptz`);
  await settle(trx, 'rt_notifications', 'id');

  // Agenda items of a past meeting about an expired case, a person not kept, or someone known only partly.
  await run(sql`
    create temp table rt_agenda on commit drop as
    select ai.id from meeting_agenda_items ai
      join meetings mt on mt.municipality_id = ai.municipality_id and mt.id = ai.meeting_id
      left join rt_person_state ps on ps.person_id = ai.person_id
     where ai.municipality_id = ${m} and ai.anonymized_at is null and ai.kind <> 'topic'
       and mt.scheduled_at < ${ts(c.closedCases)}::timestamptz
       and (ai.case_id is null
            or exists (select 1 from rt_cases x where x.id = ai.case_id)
            or exists (select 1 from cases k where k.municipality_id = ai.municipality_id and k.id = ai.case_id and k.anonymized_at is not null))
       and not ${held('ps', c.closedCases)}`);
  await settle(trx, 'rt_agenda', 'id');

  await run(sql`
    create temp table rt_consents on commit drop as
    select s.id from consents s join rt_person_state ps on ps.person_id = s.person_id
     where s.municipality_id = ${m} and s.anonymized_at is null and not ${held('ps', c.consents)}`);
  await settle(trx, 'rt_consents', 'id');

  await run(sql`
    create temp table rt_scans on commit drop as
    select d.id from consent_documents d join rt_person_state ps on ps.person_id = d.person_id
     where d.municipality_id = ${m} and not ${held('ps', c.consentScans)}`);
  await settle(trx, 'rt_scans', 'id');

  // A person's identity goes only with the last record about them.
  await run(sql`
    create temp table rt_persons on commit drop as
    select p.id from persons p join rt_person_state ps on ps.person_id = p.id
     where p.municipality_id = ${m} and p.anonymized_at is null and not ${held('ps', c.identity)}
       and not exists (select 1 from case_persons cp join cases k on k.municipality_id = cp.municipality_id and k.id = cp.case_id
                        where cp.municipality_id = p.municipality_id and cp.person_id = p.id and k.anonymized_at is null
                          and not exists (select 1 from rt_cases x where x.id = k.id))
       and not exists (select 1 from consultations c where c.municipality_id = p.municipality_id and c.person_id = p.id
                          and c.anonymized_at is null and not exists (select 1 from rt_consultations x where x.id = c.id))
       and not exists (select 1 from referrals r where r.municipality_id = p.municipality_id and r.person_id = p.id
                          and r.anonymized_at is null and not exists (select 1 from rt_referrals x where x.id = r.id))
       and not exists (select 1 from consents s where s.municipality_id = p.municipality_id and s.person_id = p.id
                          and s.anonymized_at is null and not exists (select 1 from rt_consents x where x.id = s.id))
       and not exists (select 1 from consent_documents d where d.municipality_id = p.municipality_id and d.person_id = p.id
                          and not exists (select 1 from rt_scans x where x.id = d.id))
       and not exists (select 1 from meeting_agenda_items ai where ai.municipality_id = p.municipality_id and ai.person_id = p.id
                          and ai.anonymized_at is null and not exists (select 1 from rt_agenda x where x.id = ai.id))`);
  await settle(trx, 'rt_persons', 'id');

  await run(sql`
    create temp table rt_households on commit drop as
    with kept as (
      select hm.household_id as id from household_members hm
        join persons p on p.municipality_id = hm.municipality_id and p.id = hm.person_id
       where hm.municipality_id = ${m} and p.anonymized_at is null and not exists (select 1 from rt_persons x where x.id = p.id)
      union
      select k.household_id from cases k
       where k.municipality_id = ${m} and k.household_id is not null and k.anonymized_at is null
         and not exists (select 1 from rt_cases x where x.id = k.id)
      union
      select c.household_id from consultations c
       where c.municipality_id = ${m} and c.household_id is not null and c.anonymized_at is null
         and not exists (select 1 from rt_consultations x where x.id = c.id)
    )
    select h.id from households h
     where h.municipality_id = ${m} and h.anonymized_at is null
       and ${jst('greatest(h.created_at, h.updated_at)')} < ${c.identity}::date
       and not exists (select 1 from kept where kept.id = h.id)`);
  await settle(trx, 'rt_households', 'id');
}

const TEMP_TABLE: Record<Exclude<RetentionType['type'], 'outreachSubjects'>, string> = {
  cases: 'rt_cases',
  meetingItems: 'rt_agenda',
  consultations: 'rt_consultations',
  referrals: 'rt_referrals',
  notifications: 'rt_notifications',
  consents: 'rt_consents',
  consentScans: 'rt_scans',
  persons: 'rt_persons',
  households: 'rt_households',
};

async function countAll(trx: Trx): Promise<Record<RetentionType['type'], number>> {
  const counts = { outreachSubjects: 0 } as Record<RetentionType['type'], number>;
  for (const [type, table] of Object.entries(TEMP_TABLE)) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx);
    counts[type as RetentionType['type']] = Number(rows[0]!.n);
  }
  return counts;
}

interface ListedRow {
  ref: string;
  date: string | null;
  detail: string | null;
}

/** Record numbers and dates of the candidates — never a name or a free text. */
async function listAll(trx: Trx, m: string): Promise<Record<RetentionType['type'], ListedRow[]>> {
  const q = async (query: RawBuilder<ListedRow>) => (await query.execute(trx)).rows;
  const limit = LIST_LIMIT;
  return {
    cases: await q(sql`
      select k.case_no as ref, coalesce(k.closed_on, ${jst('k.status_changed_at')})::text as date,
             case k.status when 'closed' then '終結' else '中断' end || coalesce('（' || k.closure_reason || '）', '') as detail
        from rt_cases x join cases k on k.municipality_id = ${m} and k.id = x.id
       order by 2, k.case_no limit ${limit}`),
    meetingItems: await q(sql`
      select coalesce(k.case_no, '議題' || ai.seq) as ref, ${jst('mt.scheduled_at')}::text as date, b.name as detail
        from rt_agenda x join meeting_agenda_items ai on ai.municipality_id = ${m} and ai.id = x.id
        join meetings mt on mt.municipality_id = ai.municipality_id and mt.id = ai.meeting_id
        join meeting_bodies b on b.municipality_id = mt.municipality_id and b.id = mt.meeting_body_id
        left join cases k on k.municipality_id = ai.municipality_id and k.id = ai.case_id
       order by 2, 1 limit ${limit}`),
    consultations: await q(sql`
      select '受付 ' || left(c.id::text, 8) as ref, ${jst('c.received_at')}::text as date, a.name || '・' || c.channel as detail
        from rt_consultations x join consultations c on c.municipality_id = ${m} and c.id = x.id
        join agencies a on a.municipality_id = c.municipality_id and a.id = c.agency_id
       order by 2, 1 limit ${limit}`),
    referrals: await q(sql`
      select 'つなぎ ' || left(r.id::text, 8) as ref, ${jst('r.sent_at')}::text as date, f.name || ' → ' || t.name as detail
        from rt_referrals x join referrals r on r.municipality_id = ${m} and r.id = x.id
        join agencies f on f.municipality_id = r.municipality_id and f.id = r.from_agency_id
        join agencies t on t.municipality_id = r.municipality_id and t.id = r.to_agency_id
       order by 2, 1 limit ${limit}`),
    notifications: [],
    outreachSubjects: [],
    consents: (
      await q(sql`
        select '同意 ' || left(s.id::text, 8) as ref, s.consented_on::text as date,
               s.purpose || '|' || s.decision || '|' || coalesce(s.withdrawn_on::text, '') as detail
          from rt_consents x join consents s on s.municipality_id = ${m} and s.id = x.id
         order by 2, 1 limit ${limit}`)
    ).map((r) => {
      const [purpose, decision, withdrawn] = (r.detail ?? '').split('|');
      const label = `${CONSENT_PURPOSE_LABELS[purpose ?? ''] ?? purpose}・${decision === 'granted' ? '同意' : '不同意'}`;
      return { ...r, detail: withdrawn ? `${label}（撤回 ${withdrawn}）` : label };
    }),
    consentScans: await q(sql`
      select 'スキャン ' || left(d.id::text, 8) as ref, ${jst('d.created_at')}::text as date,
             ceil(d.size_bytes / 1024.0)::int || ' KB' as detail
        from rt_scans x join consent_documents d on d.municipality_id = ${m} and d.id = x.id
       order by 2, 1 limit ${limit}`),
    persons: await q(sql`
      select '本人 ' || left(p.id::text, 8) as ref, ps.last_on::text as date, '最後の記録' as detail
        from rt_persons x join persons p on p.municipality_id = ${m} and p.id = x.id
        join rt_person_state ps on ps.person_id = p.id
       order by 2, 1 limit ${limit}`),
    households: await q(sql`
      select '世帯 ' || left(h.id::text, 8) as ref, ${jst('greatest(h.created_at, h.updated_at)')}::text as date, null as detail
        from rt_households x join households h on h.municipality_id = ${m} and h.id = x.id
       order by 2, 1 limit ${limit}`),
  };
}

async function municipalitySettings(trx: Trx, m: string): Promise<Settings> {
  const row = await trx.selectFrom('municipalities').select('settings').where('id', '=', m).executeTakeFirstOrThrow();
  return readSettings(row.settings);
}

async function lastRun(trx: Trx, m: string): Promise<RetentionPreview['lastRun']> {
  const row = await trx
    .selectFrom('retention_runs as r')
    .leftJoin('users as u', (j) => j.onRef('u.municipality_id', '=', 'r.municipality_id').onRef('u.id', '=', 'r.actor_user_id'))
    .select(['r.ran_at', 'r.trigger', 'r.counts', 'u.name as actor_name'])
    .where('r.municipality_id', '=', m)
    .orderBy('r.ran_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return { ranAt: new Date(row.ran_at).toISOString(), trigger: row.trigger, actorName: row.actor_name, counts: row.counts };
}

function periodsView(settings: Settings, c: Cutoffs): RetentionPreview['periods'] {
  return RETENTION_PERIODS.map((p) => ({ kind: p.kind, key: p.key, years: settings[p.key], cutoff: c[p.kind], available: p.available }));
}

/** What the next run would remove: counts per type and, for the 事務局 and the administrator, numbers and dates. */
export async function previewRetention(scope: Scope, today = todayJst()): Promise<RetentionPreview> {
  requireUser(scope);
  const m = scope.municipalityId;
  const settings = await municipalitySettings(scope.trx, m);
  const c = cutoffs(settings, today);
  await collect(scope.trx, m, c);
  const counts = await countAll(scope.trx);
  const lists = await listAll(scope.trx, m);
  scope.audit('retention.preview', { targetType: 'municipality', targetId: m, details: { counts } });
  return {
    today,
    autoRun: settings.retentionAutoRun,
    periods: periodsView(settings, c),
    identityCutoff: c.identity,
    types: RETENTION_TYPES.map((t) => ({
      ...t,
      countsFrom: t.countsFrom ?? null,
      count: counts[t.type],
      items: lists[t.type],
      truncated: counts[t.type] > lists[t.type].length && t.type !== 'notifications',
    })),
    lastRun: await lastRun(scope.trx, m),
  };
}

/** Anonymise (or delete) exactly the candidates `collect` found, in one transaction, and audit the counts. */
export async function runRetention(scope: Scope, trigger: 'job' | 'manual', today = todayJst()): Promise<RetentionRunResult> {
  const m = scope.municipalityId;
  const trx = scope.trx;
  const settings = await municipalitySettings(trx, m);
  const c = cutoffs(settings, today);
  await collect(trx, m, c);
  const counts = await countAll(trx);
  const run = (q: RawBuilder<unknown>) => q.execute(trx);
  const label = ANONYMIZED_LABEL;

  // 事例 and everything written in them. Dates, agencies, kinds, statuses, closure reasons and achievements stay.
  await run(sql`update cases set title = ${label}, origin_reason = null, closure_note = null, anonymized_at = now(), version = version + 1
                 where municipality_id = ${m} and id in (select id from rt_cases)`);
  await run(sql`update case_transitions set reason = '', details = details #- '{closure,note}'
                 where municipality_id = ${m} and case_id in (select id from rt_cases)`);
  await run(sql`update case_members set involvement = null, removed_reason = null
                 where municipality_id = ${m} and case_id in (select id from rt_cases)`);
  await run(sql`
    update assessments set
      domains = coalesce((select jsonb_object_agg(d.key, jsonb_build_object('status', d.value -> 'status', 'note', '')) from jsonb_each(domains) d), '{}'::jsonb),
      involvement = coalesce((select jsonb_agg(i || '{"how": ""}'::jsonb) from jsonb_array_elements(involvement) i), '[]'::jsonb),
      person_wishes = '', family_wishes = '', strengths = '', risk_note = '', summary = '', change_note = null
     where municipality_id = ${m} and case_id in (select id from rt_cases)`);
  await run(sql`update info_requests set question = '', answer = null, cancel_reason = null
                 where municipality_id = ${m} and case_id in (select id from rt_cases)`);
  await run(sql`
    update plans set evaluation = case when evaluation is null then null else jsonb_build_object(
        'goals', coalesce((select jsonb_agg(g || '{"text": "", "comment": ""}'::jsonb) from jsonb_array_elements(evaluation -> 'goals') g), '[]'::jsonb),
        'comment', '') end
     where municipality_id = ${m} and case_id in (select id from rt_cases)`);
  await run(sql`
    update plan_versions set long_term_goal = '', direction = '', change_note = null,
      short_term_goals = coalesce((select jsonb_agg(g || '{"text": ""}'::jsonb) from jsonb_array_elements(short_term_goals) g), '[]'::jsonb),
      actions = coalesce((select jsonb_agg(a || '{"content": "", "staffName": ""}'::jsonb) from jsonb_array_elements(actions) a), '[]'::jsonb)
     where municipality_id = ${m} and plan_id in (select id from plans where municipality_id = ${m} and case_id in (select id from rt_cases))`);
  await run(sql`update plan_events set note = null
                 where municipality_id = ${m} and plan_id in (select id from plans where municipality_id = ${m} and case_id in (select id from rt_cases))`);
  await run(sql`update support_records set content = '', next_action = null, correction_reason = null
                 where municipality_id = ${m} and case_id in (select id from rt_cases)`);

  // Meetings: the agenda item's text and minutes, and what was decided or asked about it.
  await run(sql`update meeting_agenda_items set title = ${label}, description = null, minutes = null, person_alias = null, anonymized_at = now(), version = version + 1
                 where municipality_id = ${m} and id in (select id from rt_agenda)`);
  await run(sql`update meeting_decisions set content = '' where municipality_id = ${m} and agenda_item_id in (select id from rt_agenda)`);
  await run(sql`update meeting_follow_ups set content = '' where municipality_id = ${m} and agenda_item_id in (select id from rt_agenda)`);
  await run(sql`update meeting_info_requests set question = '', reply = null where municipality_id = ${m} and agenda_item_id in (select id from rt_agenda)`);

  // 相談受付 and つなぎ: receipt date, agency, channel, consulter type, 課題, urgency and response stay.
  await run(sql`update consultations set consulter_name = null, subject_summary = null, chief_complaint = '', content = '', anonymized_at = now(), version = version + 1
                 where municipality_id = ${m} and id in (select id from rt_consultations)`);
  await run(sql`update referrals set chief_complaint = '', content = '', reason = '', return_reason = null, completion_note = null, anonymized_at = now(), version = version + 1
                 where municipality_id = ${m} and id in (select id from rt_referrals)`);
  await run(sql`update referral_events set note = null where municipality_id = ${m} and referral_id in (select id from rt_referrals)`);
  await run(sql`delete from notification_reads where municipality_id = ${m} and notification_id in (select id from rt_notifications)`);
  await run(sql`delete from notifications where municipality_id = ${m} and id in (select id from rt_notifications)`);

  // 同意: purpose, decision, scope, dates and method stay; the scans are deleted (the consent forgets them first).
  await run(sql`update consents set note = null, withdrawn_reason = null, anonymized_at = now()
                 where municipality_id = ${m} and id in (select id from rt_consents)`);
  await run(sql`update consents set document_id = null where municipality_id = ${m} and document_id in (select id from rt_scans)`);
  await run(sql`delete from consent_documents where municipality_id = ${m} and id in (select id from rt_scans)`);

  // 本人: gender and the age band at the last record stay (for the counts by age); the rest goes.
  await run(sql`
    update persons p set name = null, name_kana = null, alias = ${label}, birth_date = null,
      age_band = case
        when p.birth_date is null then p.age_band
        when extract(year from age(coalesce(ps.last_on, current_date), p.birth_date)) < 10 then '10代未満'
        when extract(year from age(coalesce(ps.last_on, current_date), p.birth_date)) >= 90 then '90代以上'
        else (floor(extract(year from age(coalesce(ps.last_on, current_date), p.birth_date)) / 10) * 10)::int || '代' end,
      address = null, phone = null, contact_caution = null,
      name_norm = '', kana_norm = '', address_norm = '', phone_digits = '',
      anonymized_at = now(), version = p.version + 1
      from rt_person_state ps
     where p.municipality_id = ${m} and ps.person_id = p.id and p.id in (select id from rt_persons)`);
  await run(sql`update person_links set reason = null, unlink_reason = null
                 where municipality_id = ${m} and (person_id in (select id from rt_persons) or other_person_id in (select id from rt_persons))`);
  await run(sql`update emergency_grants set reason = ${label} where municipality_id = ${m} and person_id in (select id from rt_persons)`);
  await run(sql`update household_members set situation = null where municipality_id = ${m} and person_id in (select id from rt_persons)`);
  await run(sql`update households set name = ${label}, address = null, note = null, anonymized_at = now(), version = version + 1
                 where municipality_id = ${m} and id in (select id from rt_households)`);

  const actorUserId = scope.ctx.kind === 'user' ? scope.ctx.userId : null;
  const ranAt = new Date();
  await trx
    .insertInto('retention_runs')
    .values({ municipality_id: m, id: newId(), ran_at: ranAt, trigger, actor_user_id: actorUserId, counts: JSON.stringify(counts) })
    .execute();
  const cutoffDetails = Object.fromEntries(RETENTION_PERIODS.map((p) => [p.kind, c[p.kind]]));
  scope.audit('retention.run', { targetType: 'municipality', targetId: m, details: { trigger, today, cutoffs: cutoffDetails, counts } });
  return { ranAt: ranAt.toISOString(), trigger, counts };
}

/** The daily job: every municipality that has not switched the automatic run off. */
export async function runRetentionForAll(db: Db): Promise<void> {
  const gateway = new Gateway(db);
  const municipalities = await db.selectFrom('municipalities').select(['id', 'settings']).execute();
  for (const m of municipalities) {
    if (!readSettings(m.settings).retentionAutoRun) continue;
    const ctx: SystemContext = { kind: 'system', label: 'retention', municipalityId: m.id, clientIp: null };
    await gateway.run(ctx, 'retention.run', (scope) => runRetention(scope, 'job'));
  }
}
