import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { Action } from '../access/policy.ts';
import { LoginPage } from './auth/LoginPage.tsx';
import { AppShell } from './components/AppShell.tsx';
import { Loading } from './components/ui.tsx';
import { HomePage } from './home/HomePage.tsx';
import { can } from './lib/access.ts';
import { useSession } from './lib/session.tsx';
import { ForbiddenPage, NotFoundPage } from './NotFoundPage.tsx';

/**
 * Pages are loaded when first opened (one chunk each), so signing in does not
 * download the whole application; the home page and the shell come with the entry.
 */
const AccountPage = lazy(() => import('./account/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const AuditPage = lazy(() => import('./audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const AgencyDetailPage = lazy(() => import('./directory/AgencyDetailPage.tsx').then((m) => ({ default: m.AgencyDetailPage })));
const AgencyFormPage = lazy(() => import('./directory/AgencyFormPage.tsx').then((m) => ({ default: m.AgencyFormPage })));
const DirectoryPage = lazy(() => import('./directory/DirectoryPage.tsx').then((m) => ({ default: m.DirectoryPage })));
const DepartmentsPage = lazy(() => import('./directory/DepartmentsPage.tsx').then((m) => ({ default: m.DepartmentsPage })));
const MeetingBodiesPage = lazy(() => import('./directory/MeetingBodiesPage.tsx').then((m) => ({ default: m.MeetingBodiesPage })));
const AssessmentPage = lazy(() => import('./cases/AssessmentPage.tsx').then((m) => ({ default: m.AssessmentPage })));
const CaseNewPage = lazy(() => import('./cases/CaseNewPage.tsx').then((m) => ({ default: m.CaseNewPage })));
const CasePage = lazy(() => import('./cases/CasePage.tsx').then((m) => ({ default: m.CasePage })));
const CasesPage = lazy(() => import('./cases/CasesPage.tsx').then((m) => ({ default: m.CasesPage })));
const PlanEditPage = lazy(() => import('./cases/PlanEditPage.tsx').then((m) => ({ default: m.PlanEditPage })));
const PlanPage = lazy(() => import('./cases/PlanPage.tsx').then((m) => ({ default: m.PlanPage })));
const PlanPrintPage = lazy(() => import('./cases/PlanPrintPage.tsx').then((m) => ({ default: m.PlanPrintPage })));
const RecordsPage = lazy(() => import('./cases/RecordsPage.tsx').then((m) => ({ default: m.RecordsPage })));
const MaterialsPage = lazy(() => import('./meetings/MaterialsPage.tsx').then((m) => ({ default: m.MaterialsPage })));
const MeetingPrintPage = lazy(() => import('./meetings/MeetingPrintPage.tsx').then((m) => ({ default: m.MeetingPrintPage })));
const MeetingNewPage = lazy(() => import('./meetings/MeetingNewPage.tsx').then((m) => ({ default: m.MeetingNewPage })));
const MeetingPage = lazy(() => import('./meetings/MeetingPage.tsx').then((m) => ({ default: m.MeetingPage })));
const MeetingsPage = lazy(() => import('./meetings/MeetingsPage.tsx').then((m) => ({ default: m.MeetingsPage })));
const MeetingCountsPage = lazy(() => import('./meetings/MeetingCountsPage.tsx').then((m) => ({ default: m.MeetingCountsPage })));
const ResourceGapsPage = lazy(() => import('./meetings/ResourceGapsPage.tsx').then((m) => ({ default: m.ResourceGapsPage })));
const MyWorkPage = lazy(() => import('./tasks/MyWorkPage.tsx').then((m) => ({ default: m.MyWorkPage })));
const OverviewPage = lazy(() => import('./tasks/OverviewPage.tsx').then((m) => ({ default: m.OverviewPage })));
const ConsultationPage = lazy(() => import('./intake/ConsultationPage.tsx').then((m) => ({ default: m.ConsultationPage })));
const ConsultationsPage = lazy(() => import('./intake/ConsultationsPage.tsx').then((m) => ({ default: m.ConsultationsPage })));
const IntakePage = lazy(() => import('./intake/IntakePage.tsx').then((m) => ({ default: m.IntakePage })));
const NotificationsPage = lazy(() => import('./notifications/NotificationsPage.tsx').then((m) => ({ default: m.NotificationsPage })));
const ConsentFormPage = lazy(() => import('./people/ConsentFormPage.tsx').then((m) => ({ default: m.ConsentFormPage })));
const EmergencyAccessPage = lazy(() => import('./people/EmergencyAccessPage.tsx').then((m) => ({ default: m.EmergencyAccessPage })));
const HouseholdPage = lazy(() => import('./people/HouseholdPage.tsx').then((m) => ({ default: m.HouseholdPage })));
const PersonEditPage = lazy(() => import('./people/PersonEditPage.tsx').then((m) => ({ default: m.PersonEditPage })));
const PersonNewPage = lazy(() => import('./people/PersonNewPage.tsx').then((m) => ({ default: m.PersonNewPage })));
const PersonPage = lazy(() => import('./people/PersonPage.tsx').then((m) => ({ default: m.PersonPage })));
const PersonSearchPage = lazy(() => import('./people/PersonSearchPage.tsx').then((m) => ({ default: m.PersonSearchPage })));
const ReferralNewPage = lazy(() => import('./referrals/ReferralNewPage.tsx').then((m) => ({ default: m.ReferralNewPage })));
const ReferralPage = lazy(() => import('./referrals/ReferralPage.tsx').then((m) => ({ default: m.ReferralPage })));
const ReferralPrintPage = lazy(() => import('./referrals/ReferralPrintPage.tsx').then((m) => ({ default: m.ReferralPrintPage })));
const ReferralsPage = lazy(() => import('./referrals/ReferralsPage.tsx').then((m) => ({ default: m.ReferralsPage })));
const RoutingRuleFormPage = lazy(() => import('./routing/RoutingRuleFormPage.tsx').then((m) => ({ default: m.RoutingRuleFormPage })));
const RoutingRulesPage = lazy(() => import('./routing/RoutingRulesPage.tsx').then((m) => ({ default: m.RoutingRulesPage })));
const SettingsPage = lazy(() => import('./settings/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })));
const TaxonomyPage = lazy(() => import('./settings/TaxonomyPage.tsx').then((m) => ({ default: m.TaxonomyPage })));
const RetentionPage = lazy(() => import('./retention/RetentionPage.tsx').then((m) => ({ default: m.RetentionPage })));
const UserDetailPage = lazy(() => import('./users/UserDetailPage.tsx').then((m) => ({ default: m.UserDetailPage })));
const UserNewPage = lazy(() => import('./users/UserNewPage.tsx').then((m) => ({ default: m.UserNewPage })));
const UsersPage = lazy(() => import('./users/UsersPage.tsx').then((m) => ({ default: m.UsersPage })));

/** A page only some roles may use; others see a plain "no permission" page. */
function Allow({ action, children }: { action: Action; children: ReactNode }) {
  const { session } = useSession();
  if (!session?.user || !can(session.user.role, action)) return <ForbiddenPage />;
  return <>{children}</>;
}

function SignedIn() {
  const { session, notice } = useSession();
  const location = useLocation();
  if (session === null) {
    return (
      <main id="main" className="boot">
        <Loading />
      </main>
    );
  }
  if (!session.authenticated) {
    const from = notice?.reason === 'logout' ? undefined : `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={from ? { from } : null} />;
  }
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
      <Routes>
        <Route index element={<HomePage />} />
        <Route path="agencies" element={<Allow action="directory.read"><DirectoryPage /></Allow>} />
        <Route path="agencies/new" element={<Allow action="directory.write"><AgencyFormPage /></Allow>} />
        <Route path="agencies/:id" element={<Allow action="directory.read"><AgencyDetailPage /></Allow>} />
        <Route path="agencies/:id/edit" element={<Allow action="directory.write"><AgencyFormPage /></Allow>} />
        <Route path="departments" element={<Allow action="directory.read"><DepartmentsPage /></Allow>} />
        <Route path="meeting-bodies" element={<Allow action="settings.read"><MeetingBodiesPage /></Allow>} />
        <Route path="users" element={<Allow action="users.read"><UsersPage /></Allow>} />
        <Route path="users/new" element={<Allow action="users.write"><UserNewPage /></Allow>} />
        <Route path="users/:id" element={<Allow action="users.read"><UserDetailPage /></Allow>} />
        <Route path="settings" element={<Allow action="settings.write"><SettingsPage /></Allow>} />
        <Route path="settings/taxonomy" element={<Allow action="settings.write"><TaxonomyPage /></Allow>} />
        <Route path="retention" element={<Allow action="retention.read"><RetentionPage /></Allow>} />
        <Route path="audit" element={<Allow action="audit.read"><AuditPage /></Allow>} />
        <Route path="intake" element={<Allow action="person.write"><IntakePage /></Allow>} />
        <Route path="consultations" element={<Allow action="person.read"><ConsultationsPage /></Allow>} />
        <Route path="consultations/:id" element={<Allow action="person.read"><ConsultationPage /></Allow>} />
        <Route path="persons" element={<Allow action="person.read"><PersonSearchPage /></Allow>} />
        <Route path="persons/new" element={<Allow action="person.write"><PersonNewPage /></Allow>} />
        <Route path="persons/:id" element={<Allow action="person.read"><PersonPage /></Allow>} />
        <Route path="persons/:id/edit" element={<Allow action="person.write"><PersonEditPage /></Allow>} />
        <Route path="persons/:id/consent-form" element={<Allow action="person.read"><ConsentFormPage /></Allow>} />
        <Route path="households/:id" element={<Allow action="person.read"><HouseholdPage /></Allow>} />
        <Route path="emergency-access" element={<Allow action="person.read"><EmergencyAccessPage /></Allow>} />
        <Route path="referrals" element={<Allow action="person.read"><ReferralsPage /></Allow>} />
        <Route path="referrals/new" element={<Allow action="person.write"><ReferralNewPage /></Allow>} />
        <Route path="referrals/:id" element={<Allow action="person.read"><ReferralPage /></Allow>} />
        <Route path="referrals/:id/print" element={<Allow action="person.read"><ReferralPrintPage /></Allow>} />
        <Route path="routing-rules" element={<Allow action="settings.write"><RoutingRulesPage /></Allow>} />
        <Route path="routing-rules/new" element={<Allow action="settings.write"><RoutingRuleFormPage /></Allow>} />
        <Route path="routing-rules/:id/edit" element={<Allow action="settings.write"><RoutingRuleFormPage /></Allow>} />
        <Route path="my-work" element={<Allow action="case.read"><MyWorkPage /></Allow>} />
        <Route path="cases" element={<Allow action="case.read"><CasesPage /></Allow>} />
        <Route path="cases/new" element={<Allow action="case.open"><CaseNewPage /></Allow>} />
        <Route path="cases/overview" element={<Allow action="case.read"><OverviewPage /></Allow>} />
        <Route path="cases/:id" element={<Allow action="case.read"><CasePage /></Allow>} />
        <Route path="cases/:id/assessment" element={<Allow action="case.read"><AssessmentPage /></Allow>} />
        <Route path="cases/:id/records" element={<Allow action="case.read"><RecordsPage /></Allow>} />
        <Route path="cases/:id/plans" element={<Allow action="case.read"><PlanPage /></Allow>} />
        <Route path="cases/:id/plans/new" element={<Allow action="case.read"><PlanEditPage /></Allow>} />
        <Route path="cases/:id/plans/:planId/edit" element={<Allow action="case.read"><PlanEditPage /></Allow>} />
        <Route path="cases/:id/plans/:planId/print" element={<Allow action="case.read"><PlanPrintPage /></Allow>} />
        <Route path="meetings/:id/materials" element={<Allow action="meeting.read"><MaterialsPage /></Allow>} />
        <Route path="meetings/:id/print" element={<Allow action="meeting.read"><MeetingPrintPage /></Allow>} />
        <Route path="meetings" element={<Allow action="meeting.read"><MeetingsPage /></Allow>} />
        <Route path="meetings/new" element={<Allow action="meeting.convene"><MeetingNewPage /></Allow>} />
        <Route path="meetings/counts" element={<Allow action="meeting.read"><MeetingCountsPage /></Allow>} />
        <Route path="resource-gaps" element={<Allow action="meeting.read"><ResourceGapsPage /></Allow>} />
        <Route path="meetings/:id" element={<Allow action="meeting.read"><MeetingPage /></Allow>} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
      </Suspense>
    </AppShell>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/*" element={<SignedIn />} />
    </Routes>
  );
}
