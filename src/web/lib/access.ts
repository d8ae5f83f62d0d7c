import { POLICY, type Action } from '../../access/policy.ts';
import type { Role } from '../../shared/roles.ts';

/**
 * What the UI offers a role. The server's policy table is the one source
 * (imported here as plain data); the server still decides every request.
 */
export function can(role: Role, action: Action): boolean {
  return POLICY[role]?.includes(action) ?? false;
}
