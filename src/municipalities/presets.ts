import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/types.ts';
import { appendAudit } from '../access/audit.ts';
import { seedDefaultRules } from '../routing/rules.ts';
import { agencySearchText } from '../directory/search-text.ts';
import { newId } from '../shared/ids.ts';
import { presetSchema, type Preset } from './preset-schema.ts';
import { settingsSchema } from './settings.ts';
import { statutoryConfidentialityOf } from '../shared/meetings.ts';

export const PRESET_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../presets');

export interface PresetSummary {
  key: string;
  name: string;
  prefecture: string;
  agencies: number;
  meetingBodies: number;
}

export function readPresets(dir = PRESET_DIR): Preset[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = presetSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      if (!parsed.success) {
        throw new Error(`preset ${f} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
      return parsed.data;
    });
}

export function listPresets(): PresetSummary[] {
  return readPresets().map((p) => ({
    key: p.key,
    name: p.name,
    prefecture: p.prefecture,
    agencies: p.agencies.length,
    meetingBodies: p.meetingBodies.length,
  }));
}

/** Find a preset by its key (koganei), its name (小金井市) or its name without 市 (小金井). */
export function findPreset(nameOrKey: string): Preset | undefined {
  const wanted = nameOrKey.trim();
  return readPresets().find(
    (p) => p.key === wanted || p.name === wanted || p.name.replace(/[市町村区]$/, '') === wanted,
  );
}

export interface LoadResult {
  municipalityId: string;
  name: string;
  created: { municipality: boolean; departments: number; agencies: number; meetingBodies: number; placements: number; partners: number };
}

/**
 * Load a preset into the database. Idempotent: rows are keyed by the
 * preset's keys, existing rows (possibly edited since) are left alone,
 * so loading twice changes nothing.
 */
export async function loadPreset(db: Db, preset: Preset): Promise<LoadResult> {
  return db.transaction().execute((trx) => loadPresetIn(trx, preset));
}

export async function loadPresetIn(trx: Transaction<Database>, preset: Preset): Promise<LoadResult> {
  const created = { municipality: false, departments: 0, agencies: 0, meetingBodies: 0, placements: 0, partners: 0 };
  let municipality = await trx
    .selectFrom('municipalities')
    .select(['id', 'name'])
    .where('code', '=', preset.code)
    .executeTakeFirst();
  if (!municipality) {
    const id = newId();
    await trx
      .insertInto('municipalities')
      .values({
        id,
        code: preset.code,
        name: preset.name,
        kana: preset.kana,
        prefecture: preset.prefecture,
        preset_key: preset.key,
        population: preset.population,
        settings: JSON.stringify(settingsSchema.parse(preset.settings ?? {})),
        updated_at: new Date(),
      })
      .execute();
    municipality = { id, name: preset.name };
    created.municipality = true;
  }
  const mid = municipality.id;

  for (const [i, d] of preset.departments.entries()) {
    const r = await trx
      .insertInto('departments')
      .values({ municipality_id: mid, id: newId(), name: d.name, note: d.note, sort_order: (i + 1) * 10 })
      .onConflict((oc) => oc.columns(['municipality_id', 'name']).doNothing())
      .executeTakeFirst();
    created.departments += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  const departments = new Map(
    (await trx.selectFrom('departments').select(['id', 'name']).where('municipality_id', '=', mid).execute()).map((d) => [d.name, d.id]),
  );
  /** The agency's 所管課 as a department row: its name, else the first of 「A課／B」, else a new row. */
  const departmentOf = async (text: string | null): Promise<string | null> => {
    const name = text?.trim();
    if (!name) return null;
    const known = departments.get(name) ?? departments.get(name.split('／')[0]!.trim());
    if (known) return known;
    const id = newId();
    await trx.insertInto('departments').values({ municipality_id: mid, id, name, sort_order: (departments.size + 1) * 10 }).execute();
    departments.set(name, id);
    created.departments += 1;
    return id;
  };

  for (const a of preset.agencies) {
    const row = {
      municipality_id: mid,
      id: newId(),
      preset_key: a.key,
      name: a.name,
      kana: a.kana,
      organization: a.organization,
      fields: a.fields,
      program_name: a.programName,
      legal_basis: a.legalBasis,
      description: a.description,
      target_population: a.targetPopulation,
      site_count: a.siteCount,
      program_site_count: a.programSiteCount,
      operation: a.operation,
      department: a.department,
      roles: a.roles,
      area: a.area,
      is_window: a.isWindow,
      is_secretariat: a.isSecretariat,
      note: a.note,
      updated_at: new Date(),
    };
    const exists = await trx
      .selectFrom('agencies')
      .select('id')
      .where('municipality_id', '=', mid)
      .where('preset_key', '=', a.key)
      .executeTakeFirst();
    if (exists) continue;
    const r = await trx
      .insertInto('agencies')
      .values({ ...row, department_id: await departmentOf(a.department), search_text: agencySearchText(row) })
      .onConflict((oc) => oc.columns(['municipality_id', 'preset_key']).doNothing())
      .executeTakeFirst();
    created.agencies += Number(r.numInsertedOrUpdatedRows ?? 0);
  }

  const agencyIds = new Map(
    (
      await trx.selectFrom('agencies').select(['id', 'preset_key']).where('municipality_id', '=', mid).execute()
    ).map((a) => [a.preset_key, a.id]),
  );
  for (const m of preset.meetingBodies) {
    const derived = statutoryConfidentialityOf({ kind: m.kind, legalBasis: m.legalBasis, name: m.name });
    const confidentiality = m.kind === 'shien' ? 'statutory' : (m.confidentiality ?? (derived ? 'statutory' : 'consent'));
    const r = await trx
      .insertInto('meeting_bodies')
      .values({
        municipality_id: mid,
        id: newId(),
        preset_key: m.key,
        name: m.name,
        kind: m.kind,
        legal_basis: m.legalBasis,
        convener: m.convener,
        organizer: m.organizer,
        purpose: m.purpose,
        members: m.members,
        frequency: m.frequency,
        consent_required: m.consentRequired,
        joint_with: m.jointWith,
        confidentiality,
        confidentiality_basis: confidentiality === 'statutory' ? (m.confidentialityBasis ?? derived) : null,
        convened_by: m.convenedBy ?? null,
        host_agency_id: m.hostAgencyKey ? (agencyIds.get(m.hostAgencyKey) ?? null) : null,
        secretariat_attends: m.secretariatAttends ?? false,
      })
      .onConflict((oc) => oc.columns(['municipality_id', 'preset_key']).doNothing())
      .executeTakeFirst();
    created.meetingBodies += Number(r.numInsertedOrUpdatedRows ?? 0);
  }

  for (const [i, p] of preset.placements.entries()) {
    const r = await trx
      .insertInto('placements')
      .values({
        municipality_id: mid,
        id: newId(),
        preset_key: `${p.kind}#${i + 1}`,
        kind: p.kind,
        agency_id: p.agencyKey ? (agencyIds.get(p.agencyKey) ?? null) : null,
        department: p.department,
        count: p.count,
        description: p.description,
      })
      .onConflict((oc) => oc.columns(['municipality_id', 'preset_key']).doNothing())
      .executeTakeFirst();
    created.placements += Number(r.numInsertedOrUpdatedRows ?? 0);
  }

  for (const p of preset.partners) {
    const r = await trx
      .insertInto('partners')
      .values({ municipality_id: mid, id: newId(), preset_key: p.key, name: p.name, kind: p.kind, note: p.note })
      .onConflict((oc) => oc.columns(['municipality_id', 'preset_key']).doNothing())
      .executeTakeFirst();
    created.partners += Number(r.numInsertedOrUpdatedRows ?? 0);
  }

  const rules = await seedDefaultRules(trx, mid);
  const changed =
    rules > 0 || created.municipality || created.departments + created.agencies + created.meetingBodies + created.placements + created.partners > 0;
  if (changed) {
    await appendAudit(trx, [
      {
        municipalityId: mid,
        action: 'preset.load',
        outcome: 'success',
        actorLogin: 'system',
        actorRole: 'system',
        targetType: 'municipality',
        targetId: mid,
        details: { preset: preset.key, ...created },
      },
    ]);
  }
  return { municipalityId: mid, name: municipality.name, created };
}
