import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onSignedOut, setCsrfToken } from './api.ts';
import type { Session, SessionUser } from './types.ts';

interface SessionContextValue {
  /** null while the first GET /auth/session is under way. */
  session: Session | null;
  /** Set after login steps and password changes (the API returns the new session). */
  update(session: Session): void;
  /** Log out on the server, then show the login page with a notice. */
  logout(): Promise<void>;
  /** A message for the login page (logged out, session expired). */
  notice: LoginNotice | null;
  clearNotice(): void;
}

export interface LoginNotice {
  tone: 'success' | 'warning';
  message: string;
  /**
   * After a deliberate logout the next person starts at the home page; after
   * an expired session the same person returns to the page they were on.
   */
  reason: 'logout' | 'expired';
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<LoginNotice | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const update = useCallback((next: Session) => {
    setCsrfToken(next.csrfToken ?? null);
    setSession(next);
  }, []);

  useEffect(() => {
    let cancelled = false;
    api
      .get<Session>('/api/v1/auth/session')
      .then((s) => {
        if (!cancelled) update(s);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && error.status !== 0) update({ authenticated: false });
        else setLoadError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [update]);

  useEffect(() => {
    onSignedOut((error) => {
      setCsrfToken(null);
      setSession({ authenticated: false });
      setNotice({ tone: 'warning', message: error.message, reason: 'expired' });
    });
    return () => onSignedOut(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout', {}, { allowUnauthenticated: true });
    } catch {
      // The session may already be gone; the user is logged out either way.
    }
    setCsrfToken(null);
    setSession({ authenticated: false });
    setNotice({ tone: 'success', message: 'ログアウトしました。', reason: 'logout' });
  }, []);

  const clearNotice = useCallback(() => setNotice(null), []);

  const value = useMemo(() => ({ session, update, logout, notice, clearNotice }), [session, update, logout, notice, clearNotice]);

  if (loadError) {
    return (
      <main className="boot-error" id="main">
        <h1>kasane に接続できません</h1>
        <p>{loadError}</p>
        <p>
          <a href="/">再読み込みする</a>
        </p>
      </main>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user (inside the authenticated shell only). */
export function useUser(): SessionUser {
  const { session } = useSession();
  if (!session?.user) throw new Error('useUser without a signed-in user');
  return session.user;
}
