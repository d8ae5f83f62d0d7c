import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../shared/roles.ts';
import type { SystemContext, UserContext } from './context.ts';
import { ACTION_LABELS, ACTIONS, decide, POLICY, type Action } from './policy.ts';

/**
 * The role × action matrix, written out in full. A change to the policy
 * must change this table too: that is the point of the test.
 *   Y = allowed, . = denied
 */
const MATRIX = `
                  intake_clerk promoter coordinator secretariat agency_staff admin auditor community_worker
directory.read         Y          Y         Y           Y            Y         Y      Y         Y
directory.write        .          .         .           .            .         Y      .         .
users.read             .          .         .           .            .         Y      .         .
users.write            .          .         .           .            .         Y      .         .
settings.read          Y          Y         Y           Y            Y         Y      Y         Y
settings.write         .          .         .           .            .         Y      .         .
audit.read             .          .         .           .            .         .      Y         .
audit.export           .          .         .           .            .         .      Y         .
person.read            Y          Y         Y           Y            Y         .      .         Y
person.write           Y          Y         Y           Y            Y         .      .         Y
case.read              Y          Y         Y           Y            Y         .      .         Y
case.write             Y          Y         Y           Y            Y         .      .         Y
case.open              .          .         Y           .            .         .      .         .
meeting.read           Y          Y         Y           Y            Y         .      .         Y
meeting.write          Y          Y         Y           Y            Y         .      .         Y
meeting.convene        .          .         Y           Y            .         .      .         .
retention.read         .          .         .           Y            .         Y      .         .
retention.run          .          .         .           .            .         Y      .         .
`;

function parseMatrix(text: string): Map<string, boolean> {
  const [header, ...rows] = text.trim().split('\n');
  const roles = header!.trim().split(/\s+/);
  const expected = new Map<string, boolean>();
  for (const row of rows) {
    const [action, ...cells] = row.trim().split(/\s+/);
    expect(cells, `row ${action}`).toHaveLength(roles.length);
    cells.forEach((cell, i) => expected.set(`${roles[i]} ${action}`, cell === 'Y'));
  }
  return expected;
}

const expected = parseMatrix(MATRIX);

function user(role: Role): UserContext {
  return {
    kind: 'user',
    userId: '00000000-0000-7000-8000-000000000001',
    loginId: `test-${role}`,
    name: 'テスト',
    role,
    roles: [role],
    agencyId: '00000000-0000-7000-8000-000000000002',
    municipalityId: '00000000-0000-7000-8000-000000000003',
    sessionId: null,
    clientIp: null,
  };
}

describe('access policy', () => {
  it('the table covers every role and every action, and nothing else', () => {
    expect(expected.size).toBe(ROLES.length * ACTIONS.length);
    for (const role of ROLES) for (const action of ACTIONS) expect(expected.has(`${role} ${action}`), `${role} ${action}`).toBe(true);
    expect(Object.keys(POLICY).sort()).toEqual([...ROLES].sort());
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...ACTIONS].sort());
  });

  const cases = ROLES.flatMap((role) => ACTIONS.map((action) => [role, action, expected.get(`${role} ${action}`)!] as const));
  it.each(cases)('%s → %s: allowed=%s', (role, action, allowed) => {
    const decision = decide(user(role), action);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).toBe(allowed ? `role ${role}` : `role ${role} may not ${action}`);
  });

  it('denies by default: an action missing from the list is refused', () => {
    const decision = decide(user('admin'), 'no.such.action' as Action);
    expect(decision.allowed).toBe(false);
  });

  it('a context with several roles gets the union of their rights', () => {
    const both: UserContext = { ...user('auditor'), roles: ['auditor', 'admin'] };
    expect(decide(both, 'audit.read').allowed).toBe(true);
    expect(decide(both, 'users.write').allowed).toBe(true);
    expect(decide(both, 'person.read').allowed).toBe(false);
  });

  it('the command line (system context) manages the installation but never reads personal data', () => {
    const system: SystemContext = { kind: 'system', label: 'cli', municipalityId: '00000000-0000-7000-8000-000000000003', clientIp: null };
    for (const action of ACTIONS) {
      expect(decide(system, action).allowed, action).toBe(!action.startsWith('person.') && !action.startsWith('case.') && !action.startsWith('meeting.'));
    }
  });
});
