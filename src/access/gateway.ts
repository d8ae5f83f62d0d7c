import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/types.ts';
import { forbidden } from '../server/errors.ts';
import { appendAudit, entryFor, writeAudit, type AuditEntry, type Outcome } from './audit.ts';
import type { AccessContext, UserContext } from './context.ts';
import { ACTION_LABELS, decide, type Action } from './policy.ts';
import { scopedTables, type ScopedTables } from './tables.ts';

/**
 * The access gateway (Medplum's Repository, Immich's requireAccess).
 *
 * Every read and write of personal or administrative data goes through
 * `gateway.run(ctx, action, fn)`:
 *  1. the policy decides by role (later: agency, case team, consent);
 *     a refusal is audited in its own transaction and becomes a 403;
 *  2. `fn` runs inside one transaction with a Scope that carries the
 *     tenant (municipality) every query must filter on;
 *     and the query builders of the personal-data tables filtered to what
 *     the user may see (src/access/tables.ts);
 *  3. audit entries recorded through the scope are appended to the
 *     hash chain in that same transaction, just before commit, so the
 *     action and its audit row commit or roll back together.
 */
export interface Scope extends ScopedTables {
  readonly trx: Transaction<Database>;
  readonly ctx: AccessContext;
  readonly municipalityId: string;
  /** Record an audit entry for this action (written at commit). */
  audit(action: string, rest?: Omit<AuditEntry, 'municipalityId' | 'action' | 'outcome'>, outcome?: Outcome): void;
  /** Refuse inside the action: rolls back, audits the denial, answers 403. */
  deny(reason: string, message?: string): never;
}

export class AccessDenied extends Error {
  constructor(
    readonly reason: string,
    readonly userMessage: string,
    readonly target: { targetType?: string | null; targetId?: string | null; subjectPersonId?: string | null } = {},
  ) {
    super(reason);
  }
}

export interface RunOptions {
  targetType?: string;
  targetId?: string;
  subjectPersonId?: string;
}

export class Gateway {
  constructor(readonly db: Db) {}

  /** Policy check without running anything (for UI hints). */
  can(ctx: AccessContext, action: Action): boolean {
    return decide(ctx, action).allowed;
  }

  async run<T>(ctx: AccessContext, action: Action, fn: (scope: Scope) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const decision = decide(ctx, action);
    if (!decision.allowed) {
      await this.recordDenial(ctx, action, decision.reason, options);
      throw forbidden(`${ACTION_LABELS[action]}の権限がありません。`);
    }
    // Entries recorded through the scope; kept outside the transaction so that
    // refusals survive its rollback (see the catch below).
    let pending: AuditEntry[] = [];
    try {
      return await this.db.transaction().execute(async (trx) => {
        pending = [];
        const scope: Scope = {
          ...scopedTables(trx, ctx),
          trx,
          ctx,
          municipalityId: ctx.municipalityId,
          audit: (auditAction, rest = {}, outcome = 'success') => {
            pending.push(entryFor(ctx, auditAction, outcome, rest));
          },
          deny: (reason, message) => {
            throw new AccessDenied(reason, message ?? `${ACTION_LABELS[action]}の権限がありません。`);
          },
        };
        const result = await fn(scope);
        await appendAudit(trx, pending);
        return result;
      });
    } catch (error) {
      // A refusal answered as 404 (the record is not revealed) rolls the
      // action back with its audit entries: write the denials on their own.
      const denials = pending.filter((e) => e.outcome === 'denied');
      if (denials.length) await writeAudit(this.db, denials);
      if (error instanceof AccessDenied) {
        await this.recordDenial(ctx, action, error.reason, { ...options, ...stripNulls(error.target) });
        throw forbidden(error.userMessage);
      }
      throw error;
    }
  }

  private async recordDenial(ctx: AccessContext, action: Action, reason: string, options: RunOptions) {
    await writeAudit(this.db, [
      entryFor(ctx, action, 'denied', {
        targetType: options.targetType ?? null,
        targetId: options.targetId ?? null,
        subjectPersonId: options.subjectPersonId ?? null,
        reason,
      }),
    ]);
  }
}

function stripNulls(target: AccessDenied['target']): RunOptions {
  const out: RunOptions = {};
  if (target.targetType) out.targetType = target.targetType;
  if (target.targetId) out.targetId = target.targetId;
  if (target.subjectPersonId) out.subjectPersonId = target.subjectPersonId;
  return out;
}

/** The acting user of a scope; refuses the system context (the CLI has no agency and no personal data). */
export function requireUser(scope: Scope): UserContext {
  if (scope.ctx.kind !== 'user') scope.deny('system context has no agency');
  return scope.ctx;
}
