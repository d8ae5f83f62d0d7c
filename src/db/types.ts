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
  kana: Generated<string>;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  version: Generated<number>;
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
  /** 設置箇所数 of the whole programme when this row is one of its sites. */
  program_site_count: Generated<number | null>;
  operation: string | null;
  department: string | null;
  /** 所管課 (departments); `department` keeps its name as text for old rows. */
  department_id: string | null;
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
  /** 'statutory' (守秘義務 by law: no consent gate) or 'consent' (migration 20261203T1000). */
  confidentiality: Generated<string>;
  confidentiality_basis: string | null;
  /** 'secretariat': only the 市 (事務局) convenes; null: coordinators too. */
  convened_by: string | null;
  /** 主催: the agency that hosts every meeting of the body. */
  host_agency_id: string | null;
  /** The 市 (事務局) attends every meeting of the body. */
  secretariat_attends: Generated<boolean>;
  version: Generated<number>;
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

/** 協定先: information sources under agreements (no accounts, no referrals), from the preset. */
export interface PartnerTable {
  municipality_id: string;
  id: string;
  preset_key: string | null;
  name: string;
  kind: string;
  note: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
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
  /** The retention cut-off: every row below first_seq was older (null for anchors before 20261203T0900). */
  purged_before: Date | null;
  /** Set by the database: the purging transaction (only it may delete below the anchor). */
  purge_txid: Generated<number | null>;
}

/** One random key per municipality for keyed hashes of search criteria in audit details. */
export interface AuditSecretTable {
  municipality_id: string;
  secret: string;
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

/** Shared rate-limit windows (src/server/rate-limit-store.ts). */
export interface RateLimitTable {
  key: string;
  hits: number;
  expires_at: Timestamp;
}

/** The coordinators' overview, computed per agency by a job (src/tasks/service.ts). */
export interface TaskOverviewRunTable {
  municipality_id: string;
  agency_id: string;
  refreshed_at: Timestamp;
  today: ColumnType<string, string, string>;
  no_contact_days: number;
  counts: Json<{ kind: string; n: number; overdue: number }[]>;
  by_status: Json<{ status: string; n: number }[]>;
  by_lead: Json<{ agency_id: string; name: string; open_cases: number; tasks: number; overdue: number }[]>;
}

export interface TaskOverviewRowTable {
  municipality_id: string;
  agency_id: string;
  kind: string;
  ref_id: string;
  case_id: string | null;
  referral_id: string | null;
  due_on: ColumnType<string | null, string | null, string | null>;
  base_at: Timestamp | null;
  days: number | null;
  party: string | null;
  role: string | null;
  sort_at: Timestamp;
  overdue: boolean;
  k_status: string | null;
  k_lead: string | null;
}

export interface Database extends PeopleDatabase, CasesDatabase, MeetingsDatabase {
  municipalities: MunicipalityTable;
  departments: DepartmentTable;
  agencies: AgencyTable;
  meeting_bodies: MeetingBodyTable;
  placements: PlacementTable;
  partners: PartnerTable;
  users: UserTable;
  sessions: SessionTable;
  audit_chains: AuditChainTable;
  audit_anchors: AuditAnchorTable;
  audit_events: AuditEventTable;
  audit_secrets: AuditSecretTable;
  job_runs: JobRunTable;
  rate_limits: RateLimitTable;
  task_overview_runs: TaskOverviewRunTable;
  task_overview_rows: TaskOverviewRowTable;
  taxonomy_terms: TaxonomyTermTable;
  retention_runs: RetentionRunTable;
}

/** A municipality's own 課題 and consent purposes (DOMAIN.md §3). */
export interface TaxonomyTermTable {
  municipality_id: string;
  id: string;
  kind: 'issue' | 'consent_purpose';
  code: string;
  label: string;
  description: string | null;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type Municipality = Selectable<MunicipalityTable>;
export type Agency = Selectable<AgencyTable>;
export type NewAgency = Insertable<AgencyTable>;
export type AgencyUpdate = Updateable<AgencyTable>;
export type User = Selectable<UserTable>;
export type Session = Selectable<SessionTable>;
export type AuditEvent = Selectable<AuditEventTable>;

// ---- 包括的相談支援 (people, households, consent, intake, referrals) ----

export interface PersonTable {
  municipality_id: string;
  id: string;
  name: string | null;
  name_kana: string | null;
  alias: string | null;
  birth_date: ColumnType<string | null, string | null | undefined, string | null>;
  age_band: string | null;
  gender: Generated<string>;
  address: string | null;
  phone: string | null;
  contact_caution: string | null;
  name_norm: Generated<string>;
  kana_norm: Generated<string>;
  address_norm: Generated<string>;
  phone_digits: Generated<string>;
  registered_by_agency_id: string;
  registered_by_user_id: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
}

export interface PersonLinkTable {
  municipality_id: string;
  id: string;
  person_id: string;
  other_person_id: string;
  reason: string | null;
  linked_by_user_id: string | null;
  linked_at: CreatedAt;
  unlinked_by_user_id: string | null;
  unlinked_at: Date | null;
  unlink_reason: string | null;
}

export interface HouseholdTable {
  municipality_id: string;
  id: string;
  name: string;
  address: string | null;
  note: string | null;
  registered_by_agency_id: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
}

export interface HouseholdMemberTable {
  municipality_id: string;
  household_id: string;
  person_id: string;
  relationship: string;
  living_together: Generated<boolean>;
  situation: string | null;
  added_at: CreatedAt;
}

export interface ConsentDocumentTable {
  municipality_id: string;
  id: string;
  person_id: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
  uploaded_by_user_id: string | null;
  created_at: CreatedAt;
}

export interface ConsentTable {
  municipality_id: string;
  id: string;
  person_id: string;
  version_no: number;
  purpose: string;
  decision: string;
  scope_kind: string;
  agency_ids: Generated<string[]>;
  consented_on: ColumnType<string, string, string>;
  method: string;
  obtained_by_user_id: string | null;
  obtained_by_agency_id: string;
  note: string | null;
  document_id: string | null;
  withdrawn_on: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_by_user_id: string | null;
  withdrawn_reason: string | null;
  created_at: CreatedAt;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
}

export interface ConsultationTable {
  municipality_id: string;
  id: string;
  received_at: Timestamp;
  agency_id: string;
  received_by_user_id: string;
  channel: string;
  consulter_type: string;
  consulter_relation: string | null;
  consulter_name: string | null;
  anonymous: Generated<boolean>;
  person_id: string | null;
  household_id: string | null;
  subject_summary: string | null;
  chief_complaint: string;
  content: Generated<string>;
  issues: Generated<string[]>;
  primary_issue: string | null;
  urgency: Generated<string>;
  urgent_flags: Generated<string[]>;
  response: string;
  consent_status: string;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
}

export interface RoutingRuleTable {
  municipality_id: string;
  id: string;
  priority: Generated<number>;
  name: string;
  issues_any: Generated<string[]>;
  min_age: number | null;
  max_age: number | null;
  household_pattern: string | null;
  min_issue_count: number | null;
  target_role: string | null;
  target_field: string | null;
  target_name_like: string | null;
  match_area: Generated<boolean>;
  reason: string;
  active: Generated<boolean>;
  version: Generated<number>;
}

export interface ReferralTable {
  municipality_id: string;
  id: string;
  consultation_id: string | null;
  person_id: string | null;
  from_agency_id: string;
  from_user_id: string;
  to_agency_id: string;
  to_coordination: Generated<boolean>;
  chief_complaint: string;
  content: string;
  reason: string;
  consent_confirmed: boolean;
  status: Generated<string>;
  sent_at: CreatedAt;
  due_at: Timestamp;
  accepted_at: Date | null;
  accepted_by_user_id: string | null;
  returned_at: Date | null;
  returned_by_user_id: string | null;
  return_reason: string | null;
  started_at: Date | null;
  started_by_user_id: string | null;
  completed_at: Date | null;
  completed_by_user_id: string | null;
  completion_note: string | null;
  version: Generated<number>;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
  /** 'offline': the agency has no accounts; sent as a printed or faxed sheet, answer recorded by the sender. */
  delivery: Generated<string>;
  delivered_at: Date | null;
  delivered_by_user_id: string | null;
  delivery_method: string | null;
  progress_at: Date | null;
  progress_due_at: Date | null;
  answered_at: Date | null;
  answered_by: string | null;
  answer_method: string | null;
  answer_result: string | null;
  answer_outcome: string | null;
  answer_recorded_by_user_id: string | null;
}

export interface ReferralEventTable {
  municipality_id: string;
  referral_id: string;
  seq: number;
  status: string;
  at: CreatedAt;
  by_user_id: string | null;
  by_agency_id: string | null;
  note: string | null;
}

export interface EmergencyGrantTable {
  municipality_id: string;
  id: string;
  person_id: string;
  user_id: string;
  reason: string;
  granted_at: CreatedAt;
  expires_at: Timestamp;
}

export interface NotificationTable {
  municipality_id: string;
  id: string;
  dedupe_key: string | null;
  recipient_agency_id: string | null;
  recipient_role: string | null;
  recipient_user_id: string | null;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  created_at: CreatedAt;
}

export interface NotificationReadTable {
  municipality_id: string;
  notification_id: string;
  user_id: string;
  read_at: CreatedAt;
}

export interface PeopleDatabase {
  persons: PersonTable;
  person_links: PersonLinkTable;
  households: HouseholdTable;
  household_members: HouseholdMemberTable;
  consent_documents: ConsentDocumentTable;
  consents: ConsentTable;
  consultations: ConsultationTable;
  routing_rules: RoutingRuleTable;
  referrals: ReferralTable;
  referral_events: ReferralEventTable;
  emergency_grants: EmergencyGrantTable;
  notifications: NotificationTable;
  notification_reads: NotificationReadTable;
}

type DateCol = ColumnType<string, string, string>;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

export interface CaseTable {
  municipality_id: string;
  id: string;
  case_no: string;
  fiscal_year: number;
  seq: number;
  title: string;
  status: Generated<string>;
  lead_agency_id: string;
  origin: string;
  origin_reason: string | null;
  household_id: string | null;
  opened_on: DateCol;
  opened_by_user_id: string | null;
  opened_by_agency_id: string;
  status_changed_at: Generated<Date>;
  last_contact_at: Date | null;
  closure_reason: string | null;
  closure_note: string | null;
  closed_on: NullableDate;
  closure_meeting_ref: string | null;
  closure_meeting_date: NullableDate;
  closure_meeting_id: string | null;
  /** The 重層的支援会議 decision the closure carried out (migration 20261203T1000). */
  closure_decision_id: Generated<string | null>;
  /** Nobody of the 主担当 agency is named on the team (kept by triggers; migration 20261202T1100). */
  lead_unassigned: Generated<boolean>;
  follow_up_agency_id: string | null;
  follow_up_frequency: string | null;
  follow_up_interval_days: number | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
}

export interface CaseCounterTable {
  municipality_id: string;
  fiscal_year: number;
  last_seq: number;
}

export interface CaseTransitionTable {
  municipality_id: string;
  case_id: string;
  seq: number;
  from_status: string | null;
  to_status: string;
  effective_on: DateCol;
  reason: string;
  meeting_ref: string | null;
  meeting_date: NullableDate;
  details: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  /** The meeting decision this move carried out (migration 20261203T1000). */
  meeting_decision_id: Generated<string | null>;
  by_user_id: string | null;
  by_agency_id: string | null;
  at: CreatedAt;
}

export interface CaseMemberTable {
  municipality_id: string;
  id: string;
  case_id: string;
  agency_id: string;
  user_id: string | null;
  role: string;
  involvement: string | null;
  added_at: CreatedAt;
  added_by_user_id: string | null;
  removed_at: Date | null;
  removed_by_user_id: string | null;
  removed_reason: string | null;
}

export interface CasePersonTable {
  municipality_id: string;
  case_id: string;
  person_id: string;
  relation: string;
  is_primary: Generated<boolean>;
  added_at: CreatedAt;
  added_by_user_id: string | null;
}

export interface CaseLinkTable {
  municipality_id: string;
  id: string;
  case_id: string;
  consultation_id: string | null;
  referral_id: string | null;
  linked_at: CreatedAt;
  linked_by_user_id: string | null;
}

export interface AssessmentDomainValue {
  status: string;
  note: string;
}

export interface AssessmentInvolvement {
  agencyId: string;
  how: string;
}

export interface AssessmentTable {
  municipality_id: string;
  case_id: string;
  version_no: number;
  domains: Json<Record<string, AssessmentDomainValue>>;
  person_wishes: Generated<string>;
  family_wishes: Generated<string>;
  strengths: Generated<string>;
  risks: Generated<string[]>;
  risk_note: Generated<string>;
  involvement: Json<AssessmentInvolvement[]>;
  summary: Generated<string>;
  urgent: Generated<boolean>;
  change_note: string | null;
  saved_by_user_id: string | null;
  saved_by_agency_id: string | null;
  saved_at: CreatedAt;
}

export interface InfoRequestTable {
  municipality_id: string;
  id: string;
  case_id: string;
  to_agency_id: string;
  question: string;
  due_on: DateCol;
  status: Generated<string>;
  requested_by_user_id: string | null;
  requested_by_agency_id: string;
  requested_at: CreatedAt;
  answer: string | null;
  answered_by_user_id: string | null;
  answered_at: Date | null;
  cancelled_at: Date | null;
  cancelled_by_user_id: string | null;
  cancel_reason: string | null;
  version: Generated<number>;
}

export interface PlanGoal {
  key: string;
  text: string;
}

export interface PlanAction {
  content: string;
  agencyId: string;
  staffName: string;
  frequency: string;
  period: string;
}

export interface PlanEvaluationGoal {
  key: string;
  text: string;
  achievement: string;
  comment: string;
}

export interface PlanEvaluation {
  goals: PlanEvaluationGoal[];
  comment: string;
}

export interface PlanTable {
  municipality_id: string;
  id: string;
  case_id: string;
  plan_no: number;
  status: Generated<string>;
  current_version: Generated<number>;
  next_review_on: NullableDate;
  approved_on: NullableDate;
  approval_ref: string | null;
  approval_meeting_id: string | null;
  /** The 重層的支援会議 decision that approved the plan (migration 20261203T1000). */
  approval_decision_id: Generated<string | null>;
  approved_by_user_id: string | null;
  started_on: NullableDate;
  evaluation: ColumnType<PlanEvaluation | null, string | null, string | null>;
  evaluated_on: NullableDate;
  evaluated_by_user_id: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface PlanVersionTable {
  municipality_id: string;
  plan_id: string;
  version_no: number;
  long_term_goal: Generated<string>;
  short_term_goals: Json<PlanGoal[]>;
  direction: Generated<string>;
  actions: Json<PlanAction[]>;
  lead_agency_id: string | null;
  consent_on: NullableDate;
  consent_method: string | null;
  next_review_on: NullableDate;
  change_note: string | null;
  saved_by_user_id: string | null;
  saved_by_agency_id: string | null;
  saved_at: CreatedAt;
}

export interface PlanEventTable {
  municipality_id: string;
  plan_id: string;
  seq: number;
  status: string;
  at: CreatedAt;
  by_user_id: string | null;
  by_agency_id: string | null;
  note: string | null;
}

export interface SupportRecordTable {
  municipality_id: string;
  id: string;
  case_id: string;
  root_id: string;
  revision: Generated<number>;
  is_current: Generated<boolean>;
  occurred_at: Timestamp;
  kind: string;
  staff_user_id: string | null;
  staff_name: string;
  agency_id: string;
  content: string;
  duration_minutes: number | null;
  next_action: string | null;
  next_action_on: NullableDate;
  contact: Generated<boolean>;
  correction_reason: string | null;
  created_by_user_id: string | null;
  created_at: CreatedAt;
}

export interface CasesDatabase {
  cases: CaseTable;
  case_counters: CaseCounterTable;
  case_transitions: CaseTransitionTable;
  case_members: CaseMemberTable;
  case_persons: CasePersonTable;
  case_links: CaseLinkTable;
  assessments: AssessmentTable;
  info_requests: InfoRequestTable;
  plans: PlanTable;
  plan_versions: PlanVersionTable;
  plan_events: PlanEventTable;
  support_records: SupportRecordTable;
}

export interface MeetingTable {
  municipality_id: string;
  id: string;
  meeting_body_id: string;
  kind: string;
  title: string;
  scheduled_at: Timestamp;
  place: string | null;
  online: Generated<boolean>;
  convener: string | null;
  organizer_agency_id: string | null;
  chair_user_id: string | null;
  status: Generated<string>;
  joint_group_id: string | null;
  note: string | null;
  version: Generated<number>;
  created_by_user_id: string;
  created_by_agency_id: string;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface MeetingAttendeeTable {
  municipality_id: string;
  id: string;
  meeting_id: string;
  user_id: string | null;
  external_name: string | null;
  external_organization: string | null;
  role: Generated<string>;
  invited_at: CreatedAt;
  invited_by_user_id: string | null;
  attended: boolean | null;
  removed_at: Date | null;
  removed_by_user_id: string | null;
}

export interface MeetingAcknowledgementTable {
  municipality_id: string;
  meeting_id: string;
  attendee_id: string;
  user_id: string;
  acknowledged_at: CreatedAt;
  text_version: string;
}

export interface MeetingAgendaItemTable {
  municipality_id: string;
  id: string;
  meeting_id: string;
  seq: number;
  kind: string;
  case_id: string | null;
  person_id: string | null;
  person_alias: string | null;
  title: string;
  description: string | null;
  consent_basis: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  minutes: string | null;
  minutes_updated_at: Date | null;
  minutes_updated_by_user_id: string | null;
  version: Generated<number>;
  added_by_user_id: string | null;
  added_by_agency_id: string | null;
  added_at: CreatedAt;
  /** Set by the retention job (src/retention) when the record's personal data was removed. */
  anonymized_at: Timestamp | null;
}

export interface MeetingDecisionTable {
  municipality_id: string;
  id: string;
  meeting_id: string;
  agenda_item_id: string;
  kind: string;
  content: string;
  plan_id: string | null;
  plan_version: number | null;
  case_transition_seq: number | null;
  details: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  decided_by_user_id: string | null;
  decided_at: CreatedAt;
}

export interface ResourceGapTable {
  municipality_id: string;
  id: string;
  meeting_id: string;
  decision_id: string;
  content: string;
  status: Generated<string>;
  created_at: CreatedAt;
}

export interface MeetingInfoRequestTable {
  municipality_id: string;
  id: string;
  meeting_id: string;
  agenda_item_id: string | null;
  to_agency_id: string;
  question: string;
  requested_by_user_id: string | null;
  requested_at: CreatedAt;
  reply: string | null;
  replied_at: Date | null;
}

export interface MeetingFollowUpTable {
  municipality_id: string;
  id: string;
  meeting_id: string;
  agenda_item_id: string | null;
  content: string;
  owner_user_id: string | null;
  owner_agency_id: string | null;
  due_on: NullableDate;
  done_at: Date | null;
  created_by_user_id: string | null;
  created_at: CreatedAt;
}

export interface MeetingsDatabase {
  meetings: MeetingTable;
  meeting_attendees: MeetingAttendeeTable;
  meeting_acknowledgements: MeetingAcknowledgementTable;
  meeting_agenda_items: MeetingAgendaItemTable;
  meeting_decisions: MeetingDecisionTable;
  resource_gaps: ResourceGapTable;
  meeting_info_requests: MeetingInfoRequestTable;
  meeting_follow_ups: MeetingFollowUpTable;
}

/** One run of the personal-data retention (src/retention): the counts per record type. */
export interface RetentionRunTable {
  municipality_id: string;
  id: string;
  ran_at: CreatedAt;
  trigger: 'job' | 'manual';
  actor_user_id: string | null;
  counts: Json<Record<string, number>>;
}
