import { useState, type FormEvent } from 'react';
import { CASE_STATUS_LABELS, CLOSURE_REASONS, CLOSURE_WITHOUT_FOLLOW_UP, type CaseStatus } from '../../shared/cases.ts';
import { formatDate } from '../../shared/dates.ts';
import { parseDateInput, todayJst } from '../../shared/date-input.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DateTime } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import type { CaseDetail } from '../lib/types.ts';
import { CaseStatusBadge } from './CaseFrame.tsx';
import { basisBody, EMPTY_BASIS, MeetingDecisionPicker, type DecisionBasis } from './MeetingDecisionPicker.tsx';

/** What the next step means, shown above the buttons. */
const GUIDANCE: Record<CaseStatus, string> = {
  intake: '事例として受け付けました。チームの機関を加え、アセスメントを始めてください。',
  assessment: 'チームで課題と本人の思いを整理しています。アセスメントを保存したら、プラン作成へ進めます。',
  planning: '支援プランを作成しています。重層的支援会議でプランが承認されたら「支援中へ進む」を選べます。',
  active: 'プランにもとづいてチームで支援しています。次回評価日が来たら評価へ進めてください。',
  evaluation: '目標ごとの達成状況を評価します。評価を記録し、重層的支援会議で決定したら終結できます。支援を続けるときは「支援を継続」または「プランの見直し」を選びます。',
  closed: '終結した事例です。チームは引き続き閲覧でき、伴走する機関が連絡を続けます。再び支援が必要になったら再開できます（履歴は残ります）。',
  suspended: '中断している事例です。再び支援が必要になったら再開できます（履歴は残ります）。',
};

const FIELD_IDS: Record<string, string> = {
  reason: 'transition-reason',
  effectiveOn: 'transition-date',
  meetingRef: 'transition-meeting',
  meetingDate: 'transition-meeting-date',
  'closure.reason': 'closure-reason-0',
  'closure.note': 'closure-note',
  'closure.meetingRef': 'closure-meeting',
  'closure.meetingDate': 'closure-meeting-date',
  'closure.followUpAgencyId': 'closure-follow-agency',
  'closure.followUpFrequency': 'closure-follow-frequency',
  'closure.followUpIntervalDays': 'closure-follow-days',
  'closure.decisionId': 'decision-id-0',
  'closure.exceptionReason': 'decision-exception',
  decisionId: 'decision-id-0',
};

/** The case manager's panel: where the case stands and the transitions allowed from here. */
export function TransitionPanel({ detail, onChanged }: { detail: CaseDetail; onChanged: (next: CaseDetail, message: string) => void }) {
  const [target, setTarget] = useState<{ to: CaseStatus; label: string } | null>(null);
  const [reason, setReason] = useState('');
  const [date, setDate] = useState('');
  const [meetingRef, setMeetingRef] = useState('');
  const [meetingDate, setMeetingDate] = useState('');
  const [closureReason, setClosureReason] = useState('');
  const [closureNote, setClosureNote] = useState('');
  const [followAgency, setFollowAgency] = useState('');
  const [followFrequency, setFollowFrequency] = useState('');
  const [followDays, setFollowDays] = useState('');
  const [basis, setBasis] = useState<DecisionBasis>(EMPTY_BASIS);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const closing = target?.to === 'closed';
  const teamAgencies = detail.team.filter((m) => m.userId === null);
  const followRequired = !CLOSURE_WITHOUT_FOLLOW_UP.includes(closureReason);

  const reset = () => {
    setTarget(null);
    setReason('');
    setDate('');
    setMeetingRef('');
    setMeetingDate('');
    setClosureReason('');
    setClosureNote('');
    setFollowAgency('');
    setFollowFrequency('');
    setFollowDays('');
    setBasis(EMPTY_BASIS);
    setErrors(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    const problems: Record<string, string> = {};
    if (!reason.trim()) problems.reason = '理由・経緯を入力してください';
    if (date.trim() && !parseDateInput(date)) problems.effectiveOn = '日付を 2026-04-01 や 令和8年4月1日 の形で入力してください';
    if (closing) {
      if (!closureReason) problems['closure.reason'] = '終結理由を選んでください';
      if (basis.meetingDate.trim() && !parseDateInput(basis.meetingDate)) problems['closure.meetingDate'] = '会議の日付を入力してください';
      if (closureReason && followRequired) {
        if (!followAgency) problems['closure.followUpAgencyId'] = '終結後もつながり続ける機関を選んでください';
        if (!followFrequency.trim()) problems['closure.followUpFrequency'] = '伴走の頻度を入力してください';
        if (!/^\d+$/.test(followDays.trim())) problems['closure.followUpIntervalDays'] = '連絡の間隔を日数（半角数字）で入力してください';
      }
    }
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const body: Record<string, unknown> = {
        to: target.to,
        reason: reason.trim(),
        effectiveOn: date.trim() || null,
        version: detail.version,
      };
      if (closing) {
        body.closure = {
          reason: closureReason,
          note: closureNote.trim() || null,
          ...basisBody(basis),
          followUpAgencyId: followAgency || null,
          followUpFrequency: followFrequency.trim() || null,
          followUpIntervalDays: followDays.trim() ? Number(followDays.trim()) : null,
        };
      } else if (target.to === 'suspended') {
        Object.assign(body, basisBody(basis));
      } else {
        body.meetingRef = meetingRef.trim() || null;
        body.meetingDate = meetingDate.trim() || null;
      }
      const next = await api.post<CaseDetail>(`/api/v1/cases/${detail.id}/transitions`, body);
      const label = target.label;
      reset();
      onChanged(next, `「${label}」を記録しました。事例は「${next.statusLabel}」になりました。`);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel panel--wide case-next" aria-labelledby="case-next">
      <h2 id="case-next" className="panel__title">
        事例の状態
      </h2>
      <ol className="case-flow" aria-label="支援の流れ">
        {(['intake', 'assessment', 'planning', 'active', 'evaluation', 'closed'] as CaseStatus[]).map((s) => (
          <li
            key={s}
            className={`case-flow__step${s === detail.status ? ' case-flow__step--current' : ''}`}
            {...(s === detail.status ? { 'aria-current': 'step' as const } : {})}
          >
            {CASE_STATUS_LABELS[s]}
          </li>
        ))}
      </ol>
      {detail.status === 'suspended' && (
        <p>
          <CaseStatusBadge status="suspended" label="中断" /> この事例は中断しています。
        </p>
      )}
      <p>{GUIDANCE[detail.status]}</p>
      {detail.allowedTransitions.length === 0 && (
        <p className="muted">状態の変更は、主担当機関またはコーディネーターが行います。</p>
      )}
      {!target && detail.allowedTransitions.length > 0 && (
        <div className="button-row">
          {detail.allowedTransitions.map((t, i) => (
            <button
              key={t.to}
              type="button"
              className={`button button--${t.to === 'suspended' ? 'tertiary' : i === 0 ? 'primary' : 'secondary'}`}
              onClick={() => setTarget(t)}
            >
              {t.label}
            </button>
          ))}
        </div>
      )}
      {target && (
        <form className="form case-transition-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="transition-title">
          <h3 id="transition-title" className="form__section-title">
            {target.label}（{detail.statusLabel} → {CASE_STATUS_LABELS[target.to]}）
          </h3>
          <ErrorSummary errors={errors} idFor={(f) => FIELD_IDS[f] ?? (f === 'to' ? 'transition-reason' : null)} />
          {closing && (
            <>
              <RadioGroup
                id="closure-reason"
                legend="終結理由"
                required
                value={closureReason}
                onChange={setClosureReason}
                options={CLOSURE_REASONS.map((r) => ({ value: r, label: r }))}
                error={fieldError(errors, 'closure.reason')}
              />
              <MeetingDecisionPicker caseId={detail.id} kind="closure" closureReason={closureReason} value={basis} onChange={setBasis} errors={errors} prefix="closure." />
              <fieldset className="fieldset">
                <legend className="fieldset__legend">終結後のつながり（伴走）</legend>
                <p className="field__hint">
                  終結しても、誰かがつながり続けます。連絡の間隔を過ぎると、その機関の「わたしの仕事」に表示されます。
                  {!followRequired && '（死亡・転居のときは省略できます）'}
                </p>
                <SelectField
                  id="closure-follow-agency"
                  label="つながり続ける機関"
                  required={followRequired}
                  value={followAgency}
                  onChange={setFollowAgency}
                  placeholder="選んでください"
                  options={teamAgencies.map((m) => ({ value: m.agencyId, label: m.agencyName }))}
                  error={fieldError(errors, 'closure.followUpAgencyId')}
                />
                <TextField
                  id="closure-follow-frequency"
                  label="頻度・方法"
                  hint="例：月1回の電話、見守り訪問"
                  required={followRequired}
                  value={followFrequency}
                  onChange={setFollowFrequency}
                  error={fieldError(errors, 'closure.followUpFrequency')}
                />
                <TextField
                  id="closure-follow-days"
                  label="連絡の間隔（日）"
                  inputMode="numeric"
                  width="short"
                  required={followRequired}
                  value={followDays}
                  onChange={setFollowDays}
                  error={fieldError(errors, 'closure.followUpIntervalDays')}
                />
              </fieldset>
              <TextArea id="closure-note" label="終結の経緯（任意）" rows={3} value={closureNote} onChange={setClosureNote} error={fieldError(errors, 'closure.note')} />
            </>
          )}
          <TextArea
            id="transition-reason"
            label="理由・経緯"
            required
            hint="記録として残り、チームの機関が読みます。"
            rows={3}
            value={reason}
            onChange={setReason}
            error={fieldError(errors, 'reason') ?? fieldError(errors, 'to')}
          />
          <TextField
            id="transition-date"
            label="日付"
            hint={`空欄のときは今日（${formatDate(todayJst())}）`}
            type="date"
            width="medium"
            value={date}
            onChange={setDate}
            error={fieldError(errors, 'effectiveOn')}
          />
          {target.to === 'suspended' && <MeetingDecisionPicker caseId={detail.id} kind="suspension" value={basis} onChange={setBasis} errors={errors} prefix="" />}
          {target.to === 'active' && (
            <>
              <TextField
                id="transition-meeting"
                label="決定した会議（任意）"
                hint="例：第3回 重層的支援会議"
                value={meetingRef}
                onChange={setMeetingRef}
                error={fieldError(errors, 'meetingRef')}
              />
              <TextField
                id="transition-meeting-date"
                label="会議の日付（任意）"
                type="date"
                width="medium"
                value={meetingDate}
                onChange={setMeetingDate}
                error={fieldError(errors, 'meetingDate')}
              />
            </>
          )}
          <div className="button-row">
            <button type="submit" className={`button button--${target.to === 'suspended' ? 'danger' : 'primary'}`} disabled={busy}>
              {target.label}を記録する
            </button>
            <button type="button" className="button button--tertiary" onClick={reset}>
              やめる
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** 状態の履歴: every transition, dated, by whom, why. */
export function TransitionHistory({ detail }: { detail: CaseDetail }) {
  return (
    <section className="panel panel--wide" aria-labelledby="case-history">
      <h2 id="case-history" className="panel__title">
        状態の履歴
      </h2>
      <ol className="history">
        {[...detail.transitions].reverse().map((t) => {
          const closure = (t.details as { closure?: { reason: string; followUpFrequency?: string | null } } | null)?.closure;
          return (
            <li key={t.seq} className="history__item">
              <p className="history__head">
                <CaseStatusBadge status={t.to} label={CASE_STATUS_LABELS[t.to]} />
                <strong>{t.label}</strong>
                <span>{formatDate(t.effectiveOn)}</span>
              </p>
              <p className="history__who">
                {t.byAgencyName ?? '—'}
                {t.byUserName ? `｜${t.byUserName}` : ''}（記録 <DateTime value={t.at} />）
              </p>
              <p className="history__note multiline">{t.reason}</p>
              {closure && <p className="history__note">終結理由：{closure.reason}{closure.followUpFrequency ? `／伴走：${closure.followUpFrequency}` : ''}</p>}
              {t.meetingRef && (
                <p className="history__note">
                  決定：{t.meetingRef}
                  {t.meetingDate ? `（${formatDate(t.meetingDate)}）` : ''}
                </p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
