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
import { MeetingBodiesPage } from './directory/MeetingBodiesPage.tsx';
import { HomePage } from './home/HomePage.tsx';
import { can } from './lib/access.ts';
import { useSession } from './lib/session.tsx';
import { ForbiddenPage, NotFoundPage } from './NotFoundPage.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
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
        <Route path="meeting-bodies" element={<Allow action="settings.read"><MeetingBodiesPage /></Allow>} />
        <Route path="users" element={<Allow action="users.read"><UsersPage /></Allow>} />
        <Route path="users/new" element={<Allow action="users.write"><UserNewPage /></Allow>} />
        <Route path="users/:id" element={<Allow action="users.read"><UserDetailPage /></Allow>} />
        <Route path="settings" element={<Allow action="settings.write"><SettingsPage /></Allow>} />
        <Route path="audit" element={<Allow action="audit.read"><AuditPage /></Allow>} />
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
