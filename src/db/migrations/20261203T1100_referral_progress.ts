import { sql, type Kysely } from 'kysely';

/**
 * Referrals that cannot stall (issue 12 item 5) and presets true to the
 * seeds (item 7).
 *
 * referrals:
 *  - `progress_at` / `progress_due_at`: the last progress of an accepted or
 *    対応中 referral (a status change or a progress note) and the moment it
 *    is overdue without another (settings.referralStallBusinessDays);
 *  - `delivery` 'offline' for a referral to an agency with no accounts in
 *    kasane: sent as a printed or faxed sheet (`delivered_*`), its answer
 *    recorded by the sender (`answer_*`).
 * agencies: `program_site_count`, the 設置箇所数 of the whole programme when
 * a row is one of its sites (site_count is then that row's own, 1).
 * partners: 協定先 — information sources under agreements that have no
 * accounts and receive no referrals (福生市 ※5: 郵便局, 水道検診事業者).
 *
 * Installed municipalities get the preset corrections here (a second
 * `preset load` leaves existing rows alone): 福生市社会福祉協議会 is no
 * 事務局 (its note merely names its 事務局長), and the per-site 設置箇所数 of
 * 小金井市 and デモ市 — each only where the value is still the preset's old one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table referrals
      add column delivery text not null default 'online' check (delivery in ('online', 'offline')),
      add column delivered_at timestamptz,
      add column delivered_by_user_id uuid,
      add column delivery_method text,
      add column progress_at timestamptz,
      add column progress_due_at timestamptz,
      add column answered_at timestamptz,
      add column answered_by text,
      add column answer_method text,
      add column answer_result text check (answer_result in ('accepted', 'declined')),
      add column answer_outcome text,
      add column answer_recorded_by_user_id uuid`.execute(db);
  await sql`create index referrals_stall on referrals (municipality_id, progress_due_at) where status in ('accepted', 'in_progress')`.execute(db);
  // The inbox / outbox counts' overdue test now reads delivered_at and progress_due_at too: keep them index-only.
  await sql`drop index referrals_inbox`.execute(db);
  await sql`drop index referrals_outbox`.execute(db);
  await sql`create index referrals_inbox on referrals (municipality_id, to_agency_id, status, sent_at desc) include (due_at, delivered_at, progress_due_at)`.execute(db);
  await sql`create index referrals_outbox on referrals (municipality_id, from_agency_id, status, sent_at desc) include (due_at, to_agency_id, delivered_at, progress_due_at)`.execute(db);

  // Open accepted / 対応中 referrals get their progress deadline from the alert job
  // (fillProgressDeadlines in src/referrals/service.ts), as rows from any other writer do.

  await sql`alter table agencies add column program_site_count integer`.execute(db);

  await sql`
    create table partners (
      municipality_id uuid not null references municipalities(id),
      id uuid not null,
      preset_key text,
      name text not null,
      kind text not null,
      note text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (municipality_id, id),
      unique (municipality_id, preset_key)
    )`.execute(db);

  await correctPresetRows(db);
}

/** Preset corrections for municipalities installed before this migration (exported for its test). */
export async function correctPresetRows(db: Kysely<unknown>): Promise<void> {
  const preset = (key: string) => sql`(select id from municipalities where preset_key = ${key})`;
  await sql`
    update agencies set is_secretariat = false, version = version + 1, updated_at = now()
    where municipality_id in ${preset('fussa')} and preset_key = 'shakyo' and is_secretariat`.execute(db);
  const perSite: [string, string[], number][] = [
    ['koganei', ['houkatsu-kita', 'houkatsu-minami', 'houkatsu-higashi', 'houkatsu-nishi'], 4],
    ['koganei', ['honcho-jidokan', 'higashi-jidokan', 'nukuiminami-jidokan', 'midori-jidokan'], 5],
    ['koganei', ['space-raku-2'], 2],
    ['demo', ['houkatsu-kita', 'houkatsu-minami', 'houkatsu-higashi', 'houkatsu-nishi'], 4],
  ];
  for (const [key, agencies, total] of perSite) {
    await sql`
      update agencies set site_count = 1, program_site_count = ${total}, version = version + 1, updated_at = now()
      where municipality_id in ${preset(key)} and preset_key in (${sql.join(agencies)}) and site_count = ${total}`.execute(db);
  }
  await sql`
    insert into partners (municipality_id, id, preset_key, name, kind, note)
    select m.id, gen_random_uuid(), p.key, p.name, '協定事業者', p.note
    from municipalities m
    cross join (values
      ('yubinkyoku', '郵便局', 'アウトリーチ等を通じた継続的支援の情報源（※5：連携体制の構築・協定の締結等）'),
      ('suido-kenshin', '水道検診事業者', 'アウトリーチ等を通じた継続的支援の情報源（※5：連携体制の構築・協定の締結等）')
    ) as p(key, name, note)
    where m.preset_key = 'fussa'
    on conflict (municipality_id, preset_key) do nothing`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists partners`.execute(db);
  await sql`alter table agencies drop column if exists program_site_count`.execute(db);
  await sql`drop index if exists referrals_stall`.execute(db);
  await sql`drop index if exists referrals_inbox`.execute(db);
  await sql`drop index if exists referrals_outbox`.execute(db);
  await sql`create index referrals_inbox on referrals (municipality_id, to_agency_id, status, sent_at desc) include (due_at)`.execute(db);
  await sql`create index referrals_outbox on referrals (municipality_id, from_agency_id, status, sent_at desc) include (due_at, to_agency_id)`.execute(db);
  await sql`
    alter table referrals
      drop column if exists delivery,
      drop column if exists delivered_at,
      drop column if exists delivered_by_user_id,
      drop column if exists delivery_method,
      drop column if exists progress_at,
      drop column if exists progress_due_at,
      drop column if exists answered_at,
      drop column if exists answered_by,
      drop column if exists answer_method,
      drop column if exists answer_result,
      drop column if exists answer_outcome,
      drop column if exists answer_recorded_by_user_id`.execute(db);
}
