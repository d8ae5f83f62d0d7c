import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import type { Action } from '../access/policy.ts';
import { AccountPage } from './account/AccountPage.tsx';
import { AuditPage } from './audit/AuditPage.tsx';
import { LoginPage } from './auth/LoginPage.tsx';
import { AppShell } from './components/AppShell.tsx';
import { Loading } from './components/ui.tsx';
import { AgencyDetailPage } from './directory/AgencyDetailPage.tsx';
import { AgencyFormPage } from './directory/AgencyFormPage.tsx';
import { DirectoryPage } from './directory/DirectoryPage.tsx';
import { DepartmentsPage } from './directory/DepartmentsPage.tsx';
import { MeetingBodiesPage } from './directory/MeetingBodiesPage.tsx';
import { HomePage } from './home/HomePage.tsx';
import { AssessmentPage } from './cases/AssessmentPage.tsx';
import { CaseNewPage } from './cases/CaseNewPage.tsx';
import { CasePage } from './cases/CasePage.tsx';
import { CasesPage } from './cases/CasesPage.tsx';
import { PlanEditPage } from './cases/PlanEditPage.tsx';
import { PlanPage } from './cases/PlanPage.tsx';
import { PlanPrintPage } from './cases/PlanPrintPage.tsx';
import { RecordsPage } from './cases/RecordsPage.tsx';
import { MaterialsPage } from './meetings/MaterialsPage.tsx';
import { MeetingPrintPage } from './meetings/MeetingPrintPage.tsx';
import { MeetingNewPage } from './meetings/MeetingNewPage.tsx';
import { MeetingPage } from './meetings/MeetingPage.tsx';
import { MeetingsPage } from './meetings/MeetingsPage.tsx';
import { MeetingCountsPage } from './meetings/MeetingCountsPage.tsx';
import { ResourceGapsPage } from './meetings/ResourceGapsPage.tsx';
import { MyWorkPage } from './tasks/MyWorkPage.tsx';
import { OverviewPage } from './tasks/OverviewPage.tsx';
import { ConsultationPage } from './intake/ConsultationPage.tsx';
import { ConsultationsPage } from './intake/ConsultationsPage.tsx';
import { IntakePage } from './intake/IntakePage.tsx';
import { NotificationsPage } from './notifications/NotificationsPage.tsx';
import { ConsentFormPage } from './people/ConsentFormPage.tsx';
import { EmergencyAccessPage } from './people/EmergencyAccessPage.tsx';
import { HouseholdPage } from './people/HouseholdPage.tsx';
import { PersonEditPage } from './people/PersonEditPage.tsx';
import { PersonNewPage } from './people/PersonNewPage.tsx';
import { PersonPage } from './people/PersonPage.tsx';
import { PersonSearchPage } from './people/PersonSearchPage.tsx';
import { ReferralNewPage } from './referrals/ReferralNewPage.tsx';
import { ReferralPage } from './referrals/ReferralPage.tsx';
import { ReferralPrintPage } from './referrals/ReferralPrintPage.tsx';
import { ReferralsPage } from './referrals/ReferralsPage.tsx';
import { RoutingRuleFormPage } from './routing/RoutingRuleFormPage.tsx';
import { RoutingRulesPage } from './routing/RoutingRulesPage.tsx';
import { can } from './lib/access.ts';
import { useSession } from './lib/session.tsx';
import { ForbiddenPage, NotFoundPage } from './NotFoundPage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
import { TaxonomyPage } from './settings/TaxonomyPage.tsx';
import { RetentionPage } from './retention/RetentionPage.tsx';
import { UserDetailPage } from './users/UserDetailPage.tsx';
import { UserNewPage } from './users/UserNewPage.tsx';
import { UsersPage } from './users/UsersPage.tsx';

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
