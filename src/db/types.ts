import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types for Kysely. Keep in step with src/db/migrations. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface MunicipalityTable {
  id: string;
  code: string;
  name: string;
  kana: string;
  prefecture: string;
  preset_key: string | null;
  population: number | null;
  settings: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DepartmentTable {
  municipality_id: string;
  id: string;
  name: string;
  note: string | null;
}

export interface AgencyTable {
  municipality_id: string;
  id: string;
  preset_key: string | null;
  name: string;
  kana: string;
  organization: string | null;
  fields: Generated<string[]>;
  program_name: string | null;
  legal_basis: string | null;
  description: string | null;
  target_population: string | null;
  site_count: number | null;
  operation: string | null;
  department: string | null;
  roles: Generated<string[]>;
  area: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  hours: string | null;
  is_window: Generated<boolean>;
  is_secretariat: Generated<boolean>;
  note: string | null;
  active: Generated<boolean>;
  search_text: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MeetingBodyTable {
  municipality_id: string;
  id: string;
  preset_key: string | null;
  name: string;
  kind: string;
  legal_basis: string | null;
  convener: string | null;
  organizer: string | null;
  purpose: string | null;
  members: string | null;
  frequency: string | null;
  consent_required: boolean | null;
  joint_with: string[];
}

export interface PlacementTable {
  municipality_id: string;
  id: string;
  preset_key: string;
  kind: string;
  agency_id: string | null;
  department: string | null;
  count: number | null;
  description: string | null;
}

export interface UserTable {
  municipality_id: string;
  id: string;
  login_id: string;
  name: string;
  role: string;
  agency_id: string;
  password_hash: string;
  must_change_password: boolean;
  failed_attempts: Generated<number>;
  locked_at: Date | null;
  totp_secret: string | null;
  totp_enabled: Generated<boolean>;
  totp_last_step: number | null;
  active: Generated<boolean>;
  last_login_at: Date | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionTable {
  id: string;
  municipality_id: string;
  user_id: string;
  csrf_token: string;
  mfa_state: string;
  created_at: CreatedAt;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  client_ip: string | null;
  user_agent: string | null;
}

export interface AuditChainTable {
  chain_key: string;
  last_seq: number;
  last_hash: string;
}

export interface AuditAnchorTable {
  chain_key: string;
  first_seq: number;
  prev_hash: string;
  created_at: CreatedAt;
}

export interface AuditEventTable {
  chain_key: string;
  seq: number;
  municipality_id: string | null;
  occurred_at: Timestamp;
  actor_user_id: string | null;
  actor_login: string | null;
  actor_agency_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  subject_person_id: string | null;
  outcome: string;
  client_ip: string | null;
  reason: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface JobRunTable {
  job: string;
  scope: string;
  last_run_at: Timestamp;
}

export interface Database {
  municipalities: MunicipalityTable;
  departments: DepartmentTable;
  agencies: AgencyTable;
  meeting_bodies: MeetingBodyTable;
  placements: PlacementTable;
  users: UserTable;
  sessions: SessionTable;
  audit_chains: AuditChainTable;
  audit_anchors: AuditAnchorTable;
  audit_events: AuditEventTable;
  job_runs: JobRunTable;
}

export type Municipality = Selectable<MunicipalityTable>;
export type Agency = Selectable<AgencyTable>;
export type NewAgency = Insertable<AgencyTable>;
export type AgencyUpdate = Updateable<AgencyTable>;
export type User = Selectable<UserTable>;
export type Session = Selectable<SessionTable>;
export type AuditEvent = Selectable<AuditEventTable>;
