import { sql, type Kysely } from 'kysely';

/**
 * Indexes found missing by the benchmark at 200,000 people (bench/RESULTS.md).
 *
 * - Person search by a 1–2 character fragment (高橋, 一郎, 森): pg_trgm cannot
 *   serve a LIKE needle shorter than three characters, so every such search
 *   read the whole persons table. search_short_grams() lists every 1- and
 *   2-character substring of the normalised name and kana; a needle of one or
 *   two characters occurs in name_norm or kana_norm exactly when it is one of
 *   them (normalised text and needles never contain a space, the separator).
 * - Person search by a phone fragment (下4桁): phone_digits had only a btree.
 * - Referrals by consultation: read by every intake save (the new
 *   consultation's referrals) and by the consultation visibility predicate;
 *   without an index each was a scan of all referrals.
 * - Referral inbox/outbox in date order: the (agency, status, sent_at) indexes
 *   cannot give an unfiltered box in date order, so the whole box was sorted.
 *   The counts per status (and overdue) read only the index once it covers due_at.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function search_short_grams(t text) returns text[]
    language plpgsql immutable strict parallel safe as $$
    declare
      n integer := char_length(t);
      grams text[] := '{}';
      g text;
    begin
      for i in 1..n loop
        g := substr(t, i, 1);
        if g <> ' ' then
          grams := grams || g;
          if i < n then
            g := substr(t, i, 2);
            if position(' ' in g) = 0 then
              grams := grams || g;
            end if;
          end if;
        end if;
      end loop;
      return grams;
    end
    $$`.execute(db);
  await sql`create index persons_name_short_grams on persons using gin (search_short_grams(name_norm || ' ' || kana_norm))`.execute(db);
  await sql`create index persons_phone_trgm on persons using gin (phone_digits gin_trgm_ops)`.execute(db);

  await sql`create index referrals_consultation on referrals (municipality_id, consultation_id) where consultation_id is not null`.execute(db);
  await sql`create index referrals_inbox_recent on referrals (municipality_id, to_agency_id, sent_at desc, id desc)`.execute(db);
  await sql`create index referrals_outbox_recent on referrals (municipality_id, from_agency_id, sent_at desc, id desc)`.execute(db);
  await sql`drop index referrals_inbox`.execute(db);
  await sql`drop index referrals_outbox`.execute(db);
  await sql`create index referrals_inbox on referrals (municipality_id, to_agency_id, status, sent_at desc) include (due_at)`.execute(db);
  await sql`create index referrals_outbox on referrals (municipality_id, from_agency_id, status, sent_at desc) include (due_at, to_agency_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists referrals_outbox`.execute(db);
  await sql`drop index if exists referrals_inbox`.execute(db);
  await sql`create index referrals_inbox on referrals (municipality_id, to_agency_id, status, sent_at desc)`.execute(db);
  await sql`create index referrals_outbox on referrals (municipality_id, from_agency_id, status, sent_at desc)`.execute(db);
  await sql`drop index if exists referrals_outbox_recent`.execute(db);
  await sql`drop index if exists referrals_inbox_recent`.execute(db);
  await sql`drop index if exists referrals_consultation`.execute(db);
  await sql`drop index if exists persons_phone_trgm`.execute(db);
  await sql`drop index if exists persons_name_short_grams`.execute(db);
  await sql`drop function if exists search_short_grams(text)`.execute(db);
}
