/**
 * Shapes of API responses used by the UI. Where the server exports a type it
 * is imported as a type only (erased from the bundle: no server code in the browser).
 */
import type { Role } from '../../shared/roles.ts';
import type { Settings } from '../../municipalities/settings.ts';
import type { Suggestion } from '../../routing/service.ts';

export type { AgencyInput, AgencyView } from '../../directory/schema.ts';
export type { UserView } from '../../users/schema.ts';
export type { StaffView } from '../../users/staff.ts';
export type { AuditEventView } from '../../audit/service.ts';
export type { DuplicateCandidate, PersonDetail, PersonSummary } from '../../people/service.ts';
export type { HouseholdMemberView, HouseholdView } from '../../people/households.ts';
export type { PatternHint } from '../../people/patterns.ts';
export type { TimelineEntry } from '../../people/timeline.ts';
export type { ConsentView } from '../../consents/service.ts';
export type { ConsentPurpose, ConsentState, ConsentSummary } from '../../consents/summary.ts';
export type { ConsultationView } from '../../intake/service.ts';
export type { RoutingRuleView, Suggestion } from '../../routing/service.ts';
export type { ReferralEventView, ReferralView } from '../../referrals/service.ts';
export type { NotificationView } from '../../notifications/service.ts';
export type { AssessmentVersionSummary, AssessmentView, InfoRequestView } from '../../cases/assessments.ts';
export type { CaseDetail, CasePersonView, CaseSummary, RecordSummary, TeamMemberView, TransitionView } from '../../cases/service.ts';
export type { PlanContent, PlanEventView, PlanList, PlanVersionSummary, PlanVersionView, PlanView } from '../../cases/plans.ts';
export type { RecordListResult, RecordRevisionView, RecordView, TodayCase, TodayView } from '../../cases/records.ts';
export type { TaskCount, TaskKind, TaskList, TaskOverview, TaskView } from '../../tasks/service.ts';
export type { Settings };

export type AuthStep = 'done' | 'totp' | 'enroll' | 'password';

export interface SessionUser {
  id: string;
  loginId: string;
  name: string;
  role: Role;
  roleLabel: string;
  agencyId: string;
  agencyName: string;
  totpEnabled: boolean;
}

export interface Session {
  authenticated: boolean;
  step?: AuthStep;
  csrfToken?: string;
  user?: SessionUser;
  municipality?: { id: string; name: string; mfaRequired: boolean };
}

export interface TotpSetup {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

export interface MeetingBody {
  id: string;
  name: string;
  kind: string;
  legalBasis: string | null;
  convener: string | null;
  organizer: string | null;
  purpose: string | null;
  members: string | null;
  frequency: string | null;
  consentRequired: boolean | null;
}

export interface Placement {
  kind: string;
  agencyId: string | null;
  agencyName: string | null;
  department: string | null;
  count: number | null;
  description: string | null;
}

export interface MunicipalityOverview {
  id: string;
  code: string;
  name: string;
  prefecture: string;
  population: number | null;
  settings: Settings;
  departments: { name: string; note: string | null }[];
  meetingBodies: MeetingBody[];
  placements: Placement[];
}

/** POST /routing-suggestions */
export interface RoutingResult {
  suggestions: Suggestion[];
  facts: { age: number | null; patterns: string[] };
}

/** GET /referrals/counts */
export interface ReferralCounts {
  inbox: Record<string, number>;
  outbox: Record<string, number>;
}
export type {
  AgendaItemView,
  AttendeeView,
  DecisionView,
  FollowUpView,
  MeetingDetail,
  MeetingInfoRequestView,
  MeetingSummary,
} from '../../meetings/service.ts';
export type { DecisionKind, MeetingKind } from '../../meetings/schema.ts';
export type { MaterialItem, Materials } from '../../meetings/service.ts';
