import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { TEAM_ROLE_LABELS, TEAM_ROLES, type TeamRole } from '../../shared/cases.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, Notice } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useUser } from '../lib/session.tsx';
import type { CaseDetail, StaffView, TeamMemberView } from '../lib/types.ts';
import { StaffPicker } from '../users/StaffPicker.tsx';
import { useAgencyOptions } from '../users/agencyOptions.ts';

const ROLE_TONES: Record<TeamRole, 'info' | 'success' | 'neutral'> = { lead: 'success', cooperating: 'info', informing: 'neutral' };

interface ConsentGap {
  id: string;
  displayName?: string;
  consentLink: string;
}

/** チーム: agencies and named staff with their roles; the manager adds, changes and removes. */
export function TeamPanel({ detail, onChanged }: { detail: CaseDetail; onChanged: (message: string) => void }) {
  const user = useUser();
  const agencies = useAgencyOptions();
  const [agencyId, setAgencyId] = useState('');
  const [role, setRole] = useState<TeamRole>('cooperating');
  const [involvement, setInvolvement] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [gaps, setGaps] = useState<ConsentGap[]>([]);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<TeamMemberView | null>(null);
  const [removeReason, setRemoveReason] = useState('');
  const [staff, setStaff] = useState<StaffView | null>(null);
  const [staffRole, setStaffRole] = useState<TeamRole>('cooperating');

  const manage = detail.access.manage;
  const open = detail.status !== 'closed' && detail.status !== 'suspended';
  const agencyRows = detail.team.filter((m) => m.userId === null);
  const staffOf = (agencyIdValue: string) => detail.team.filter((m) => m.userId !== null && m.agencyId === agencyIdValue);
  const onTeam = new Set(agencyRows.map((m) => m.agencyId));
  const meNamed = detail.team.some((m) => m.userId === user.id);

  const call = async (fn: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setErrors(null);
    setGaps([]);
    try {
      await fn();
      onChanged(message);
      return true;
    } catch (error) {
      setErrors(formErrorsFrom(error));
      if (error instanceof ApiError && error.code === 'consent_required') setGaps((error.body.persons as ConsentGap[] | undefined) ?? []);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const local = clientErrors(agencyId ? {} : { agencyId: '加える機関を選んでください' });
    if (local) {
      setErrors(local);
      return;
    }
    const name = agencies.options.find((o) => o.value === agencyId)?.label ?? '';
    const ok = await call(
      () => api.post(`/api/v1/cases/${detail.id}/team`, { agencyId, role, involvement: involvement.trim() || null }),
      `${name}をチームに加えました。`,
    );
    if (ok) {
      setAgencyId('');
      setInvolvement('');
      setRole('cooperating');
    }
  };

  const pickStaff = (picked: StaffView) => {
    setStaff(picked);
    setErrors(null);
    setStaffRole(agencyRows.find((m) => m.agencyId === picked.agencyId)?.role ?? 'cooperating');
  };

  const addStaff = async (event: FormEvent) => {
    event.preventDefault();
    if (!staff) {
      setErrors(clientErrors({ userId: '担当者に加える職員を選んでください' }));
      return;
    }
    const ok = await call(
      () => api.post(`/api/v1/cases/${detail.id}/team`, { agencyId: staff.agencyId, userId: staff.id, role: staffRole }),
      `${staff.name}さん（${staff.agencyName}）を担当者に加えました。`,
    );
    if (ok) {
      setStaff(null);
      setStaffRole('cooperating');
    }
  };

  return (
    <section className="panel panel--wide" aria-labelledby="case-team">
      <h2 id="case-team" className="panel__title">
        チーム（役割分担）
      </h2>
      <ErrorSummary errors={errors} idFor={(f) => (f === 'agencyId' ? 'team-agency' : f === 'role' ? (staff ? 'team-staff-role' : 'team-role') : f === 'userId' ? 'team-staff' : null)} />
      {gaps.length > 0 && (
        <Notice tone="warning" title="同意の範囲を確認してください">
          <p>チームに加えるには、本人の同意（関係機関への情報提供）の範囲にその機関が含まれている必要があります。</p>
          <ul>
            {gaps.map((g) => (
              <li key={g.id}>
                <Link to={g.consentLink}>{g.displayName ? `${g.displayName}さんの同意を確認・記録する` : '同意を確認・記録する'}</Link>
              </li>
            ))}
          </ul>
        </Notice>
      )}
      <table className="table team-table">
        <caption className="visually-hidden">チームの機関と担当者</caption>
        <thead>
          <tr>
            <th scope="col">機関</th>
            <th scope="col">役割</th>
            <th scope="col">担当者</th>
            <th scope="col">関わり方</th>
            {manage && open && <th scope="col"><span className="visually-hidden">操作</span></th>}
          </tr>
        </thead>
        <tbody>
          {agencyRows.map((m) => (
            <tr key={m.id}>
              <td className="table__org">{m.agencyName}</td>
              <td>
                <Badge tone={ROLE_TONES[m.role]}>{m.roleLabel}</Badge>
              </td>
              <td>
                {staffOf(m.agencyId).length > 0 ? (
                  <ul className="team-staff">
                    {staffOf(m.agencyId).map((s) => (
                      <li key={s.id}>
                        {s.userName}
                        {s.role === 'lead' && <span className="team-staff__role">（主担当者）</span>}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="table__text">{m.involvement ?? <span className="muted">—</span>}</td>
              {manage && open && (
                <td>
                  {m.role !== 'lead' && (
                    <div className="team-table__actions">
                      <label className="visually-hidden" htmlFor={`role-${m.id}`}>
                        {m.agencyName}の役割
                      </label>
                      <select
                        id={`role-${m.id}`}
                        className="select select--compact"
                        value={m.role}
                        disabled={busy}
                        onChange={(e) =>
                          void call(
                            () => api.patch(`/api/v1/cases/${detail.id}/team/${m.id}`, { role: e.target.value }),
                            e.target.value === 'lead' ? `${m.agencyName}を主担当機関にしました。` : `${m.agencyName}の役割を変更しました。`,
                          )
                        }
                      >
                        {TEAM_ROLES.map((r) => (
                          <option key={r} value={r}>
                            {TEAM_ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                      <button type="button" className="button button--tertiary button--small" onClick={() => setRemoving(m)}>
                        外す
                      </button>
                    </div>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <form
          className="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (!removeReason.trim()) {
              setErrors(clientErrors({ reason: '外す理由を入力してください' }));
              return;
            }
            void call(
              () => api.post(`/api/v1/cases/${detail.id}/team/${removing.id}/remove`, { reason: removeReason.trim() }),
              `${removing.agencyName}をチームから外しました。この機関はこの事例を閲覧できなくなりました。`,
            ).then((ok) => {
              if (ok) {
                setRemoving(null);
                setRemoveReason('');
              }
            });
          }}
        >
          <p className="confirm__question">{removing.agencyName}をチームから外します。外した時点で、この機関は事例を閲覧できなくなります。</p>
          <TextField id="team-remove-reason" label="外す理由" required value={removeReason} onChange={setRemoveReason} error={fieldError(errors, 'reason')} />
          <div className="button-row">
            <button type="submit" className="button button--danger" disabled={busy}>
              チームから外す
            </button>
            <button type="button" className="button button--tertiary" onClick={() => setRemoving(null)}>
              やめる
            </button>
          </div>
        </form>
      )}
      {open && !meNamed && onTeam.has(user.agencyId) && (
        <p>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={busy}
            onClick={() =>
              void call(
                () => api.post(`/api/v1/cases/${detail.id}/team`, { agencyId: user.agencyId, userId: user.id, role: detail.access.teamRole }),
                '担当者として名前を加えました。「わたしの仕事」にこの事例の予定が表示されます。',
              )
            }
          >
            自分を担当者に加える
          </button>
        </p>
      )}
      {manage && open && agencyRows.length > 0 && (
        <form className="form team-add team-staff-add" onSubmit={(e) => void addStaff(e)} noValidate aria-labelledby="team-staff-title">
          <h3 id="team-staff-title" className="form__section-title">
            担当者を加える
          </h3>
          {staff ? (
            <>
              <p className="team-staff-add__picked">
                <span className="team-staff-add__name">{staff.name}</span>
                <span className="muted">
                  {staff.agencyName}｜{staff.roleLabel}
                </span>
                <button type="button" className="link-button" onClick={() => setStaff(null)}>
                  選び直す
                </button>
              </p>
              <SelectField
                id="team-staff-role"
                label="役割"
                value={staffRole}
                onChange={(v) => setStaffRole(v as TeamRole)}
                width="short"
                options={TEAM_ROLES.map((r) => ({ value: r, label: r === 'lead' ? '主担当（主担当者）' : TEAM_ROLE_LABELS[r] }))}
                error={fieldError(errors, 'role')}
              />
              <div className="button-row">
                <button type="submit" className="button button--secondary" disabled={busy}>
                  担当者に加える
                </button>
              </div>
            </>
          ) : (
            <StaffPicker
              id="team-staff"
              label="職員"
              hint="チームの機関の職員を、氏名の一部か機関で探して選びます。"
              agencies={agencyRows.map((m) => ({ id: m.agencyId, name: m.agencyName }))}
              onlyAgencies
              excludeIds={detail.team.flatMap((m) => (m.userId ? [m.userId] : []))}
              onPick={pickStaff}
              error={fieldError(errors, 'userId')}
            />
          )}
        </form>
      )}
      {manage && open && (
        <form className="form team-add" onSubmit={(e) => void add(e)} noValidate aria-labelledby="team-add-title">
          <h3 id="team-add-title" className="form__section-title">
            機関をチームに加える
          </h3>
          <div className="form__row">
            <SelectField
              id="team-agency"
              label="機関"
              value={agencyId}
              onChange={setAgencyId}
              placeholder="選んでください"
              width="long"
              options={agencies.options.filter((o) => !onTeam.has(o.value))}
              error={fieldError(errors, 'agencyId')}
            />
            <SelectField
              id="team-role"
              label="役割"
              value={role}
              onChange={(v) => setRole(v as TeamRole)}
              width="short"
              options={TEAM_ROLES.filter((r) => r !== 'lead').map((r) => ({ value: r, label: TEAM_ROLE_LABELS[r] }))}
              error={fieldError(errors, 'role')}
            />
          </div>
          <TextField
            id="team-involvement"
            label="関わり方（任意）"
            hint="例：母の介護保険申請と見守り、息子の就労準備の相談"
            value={involvement}
            onChange={setInvolvement}
          />
          <div className="button-row">
            <button type="submit" className="button button--secondary" disabled={busy}>
              チームに加える
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
