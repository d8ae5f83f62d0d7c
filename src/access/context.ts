import type { Role } from '../shared/roles.ts';

/**
 * Who is acting, built once per request from the session (or by the CLI).
 * Every gateway call takes one; nothing reads personal data without it.
 */
export interface UserContext {
  kind: 'user';
  userId: string;
  loginId: string;
  name: string;
  role: Role;
  roles: readonly Role[];
  agencyId: string;
  municipalityId: string;
  sessionId: string | null;
  clientIp: string | null;
}

/** An administrator's command line: acts for one municipality, audited as "cli". */
export interface SystemContext {
  kind: 'system';
  label: string;
  municipalityId: string;
  clientIp: string | null;
}

export type AccessContext = UserContext | SystemContext;

export function actorFields(ctx: AccessContext) {
  return ctx.kind === 'user'
    ? {
        actorUserId: ctx.userId,
        actorLogin: ctx.loginId,
        actorAgencyId: ctx.agencyId,
        actorRole: ctx.role,
        clientIp: ctx.clientIp,
      }
    : { actorUserId: null, actorLogin: ctx.label, actorAgencyId: null, actorRole: 'system', clientIp: ctx.clientIp };
}
