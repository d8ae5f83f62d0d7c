import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { CLOSURE_REASONS, CLOSURE_WITHOUT_FOLLOW_UP } from '../../shared/cases.ts';
import { formatDate, formatDateTime } from '../../shared/dates.ts';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, Multiline, Notice } from '../components/ui.tsx';
import { api, ApiError, request, type Page } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { AgencyView, AgendaItemView, CaseDetail, CaseSummary, DecisionKind, DecisionView, FollowUpView, MeetingDetail, PlanList, TeamMemberView } from '../lib/types.ts';
import { MeetingInfoRequests } from './MeetingInfoRequests.tsx';
import { CASE_DECISION_KINDS, DECISION_LABELS, DECISIONS_BY_KIND, meetingWhen, SERVICE_DECISIONS } from './labels.tsx';

type Agenda = AgendaItemView[];

function basisLabel(basis: Record<string, unknown> | null): string | null {
  if (!basis) return null;
  if (basis.basis === 'shien_106_6') return '社会福祉法第106条の6（支援会議）：本人の同意は不要';
  if (basis.basis === 'consent') return `本人の同意（会議での情報共有）${basis.versionNo ? `第${String(basis.versionNo)}版` : ''}${basis.consentedOn ? `・${formatDate(String(basis.consentedOn))}同意` : ''}`;
  return null;
}

interface ConsentRoute {
  kind: string;
  label: string;
  href?: string;
}

/** The 422 consent_required of a 重層的支援会議, with the two ways forward. */
function ConsentRefusal({ error }: { error: ApiError }) {
  const user = useUser();
  const routes = (error.body.routes as ConsentRoute[] | undefined) ?? [];
  const missing = (error.body.missingAgencies as { id: string; name: string }[] | undefined) ?? [];
  return (
    <Notice tone="warning" title="本人の同意がないため、この会議の議題にできません" focus>
      <p>{error.message}</p>
      {missing.length > 0 && <p>同意の範囲に含まれていない機関：{missing.map((a) => a.name).join('、')}</p>}
      {routes.length > 0 && (
        <ul className="next-steps meeting-routes">
          {routes.map((r) => (
            <li key={r.kind}>
              {r.kind === 'shien' ? (
                user.role === 'secretariat' ? (
                  <Link to="/meetings/new?kind=shien">{r.label}（支援会議を招集する）</Link>
                ) : (
                  <>{r.label}：市（事務局）に支援会議の開催を相談してください（本人の同意は不要・守秘義務のもとで検討します）。</>
                )
              ) : r.href ? (
                <Link to={r.href}>{r.label}（本人のページの同意欄を開く）</Link>
              ) : (
                r.label
              )}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

/** 議題を加える: a case (the user's), a person known partly (支援会議) or a topic (推進会議 only topics). */
function AddAgendaItem({ meeting, onAdded }: { meeting: MeetingDetail; onAdded: (items: Agenda) => void }) {
  const kinds =
    meeting.kind === 'suishin'
      ? (['topic'] as const)
      : meeting.kind === 'shien'
        ? (['case', 'person', 'topic'] as const)
        : (['case', 'topic'] as const);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<string>(kinds[0]);
  const cases = useApiData<Page<CaseSummary>>(open && kind === 'case' ? '/api/v1/cases?status=open&limit=100' : null);
  const [caseId, setCaseId] = useState('');
  const [alias, setAlias] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" className="button button--secondary" onClick={() => setOpen(true)}>
        議題を加える
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (kind === 'case' && !caseId) problems.caseId = '事例を選んでください';
    if (kind === 'person' && !alias.trim() && !description.trim()) problems.personAlias = '呼び名か、本人の状況を入力してください';
    if (!title.trim()) problems.title = '議題を入力してください';
    const local = clientErrors(problems);
    setRefusal(null);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const result = await api.post<{ items: Agenda }>(`/api/v1/meetings/${meeting.id}/agenda`, {
        kind,
        caseId: kind === 'case' ? caseId : null,
        personAlias: kind === 'person' ? alias.trim() || null : null,
        title: title.trim(),
        description: description.trim() || null,
      });
      setCaseId('');
      setAlias('');
      setTitle('');
      setDescription('');
      setOpen(false);
      onAdded(result.items);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'consent_required') setRefusal(error);
      else setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  const KIND_LABELS: Record<string, { label: string; hint: string }> = {
    case: { label: '事例', hint: meeting.kind === 'jusou' ? '本人の同意（会議での情報共有）が出席する機関を含む事例だけ' : '自機関がチームに加わっている事例' },
    person: { label: '氏名などが分からない方', hint: '呼び名や状況で検討します（支援会議だけ）' },
    topic: { label: meeting.kind === 'suishin' ? '体制についての議題' : 'その他の議題', hint: meeting.kind === 'suishin' ? '推進会議では個別の事例や本人は扱いません' : '個人を特定しない議題' },
  };

  return (
    <form className="inline-form meeting-add-item" onSubmit={(e) => void submit(e)} noValidate>
      <p className="inline-form__title">議題を加える</p>
      {refusal && <ConsentRefusal error={refusal} />}
      <ErrorSummary
        errors={errors}
        idFor={(f) => ({ caseId: 'item-case', personAlias: 'item-alias', title: 'item-title', description: 'item-description', kind: 'item-kind-0' })[f] ?? null}
      />
      {kinds.length > 1 && (
        <RadioGroup
          id="item-kind"
          legend="議題の種類"
          value={kind}
          onChange={(v) => {
            setKind(v);
            setRefusal(null);
          }}
          options={kinds.map((k) => ({ value: k, label: KIND_LABELS[k]!.label, hint: KIND_LABELS[k]!.hint }))}
          error={fieldError(errors, 'kind')}
        />
      )}
      {kind === 'case' && (
        <SelectField
          id="item-case"
          label="事例"
          required
          width="full"
          placeholder={cases.data ? (cases.data.items.length ? '選んでください' : '対応中の事例がありません') : '読み込んでいます…'}
          value={caseId}
          onChange={(v) => {
            setCaseId(v);
            const c = cases.data?.items.find((x) => x.id === v);
            if (c && !title) setTitle(`${c.title}の支援方針`);
          }}
          error={fieldError(errors, 'caseId')}
          options={(cases.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.caseNo} ${c.title}（${c.statusLabel}）` }))}
        />
      )}
      {kind === 'person' && (
        <TextField
          id="item-alias"
          label="呼び名"
          hint="氏名が分からないときの呼び名（例：駅前の公園で寝泊まりしている男性）"
          width="full"
          value={alias}
          onChange={setAlias}
          error={fieldError(errors, 'personAlias')}
        />
      )}
      <TextField id="item-title" label="議題" required width="full" value={title} onChange={setTitle} error={fieldError(errors, 'title')} />
      <TextArea
        id="item-description"
        label="内容（任意）"
        hint={kind === 'person' ? '年代・様子・気づいた人など、分かっていること' : undefined}
        rows={3}
        value={description}
        onChange={setDescription}
        error={fieldError(errors, 'description')}
      />
      <div className="button-row">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          議題に加える
        </button>
        <button type="button" className="button button--tertiary button--small" onClick={() => { setOpen(false); setErrors(null); setRefusal(null); }}>
          やめる
        </button>
      </div>
    </form>
  );
}

/** 議事録 of one item; a stale version (409) shows what the other person saved. */
function Minutes({ meeting, item, onSaved }: { meeting: MeetingDetail; item: AgendaItemView; onSaved: (item: AgendaItemView) => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(item.minutes ?? '');
  const [base, setBase] = useState(item.version);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const id = `minutes-${item.id}`;
  const current = errors?.conflict ? (errors.current as AgendaItemView | undefined) : undefined;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    try {
      const saved = await request<AgendaItemView>('PUT', `/api/v1/meetings/${meeting.id}/agenda/${item.id}/minutes`, { minutes: text, version: base });
      setBase(saved.version);
      setEditing(false);
      setDone(true);
      onSaved(saved);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  if (!editing) {
    return (
      <div className="agenda-minutes">
        <h4 className="agenda-item__subtitle">議事録</h4>
        {done && <p className="meeting-inline-done" role="status">議事録を保存しました。</p>}
        {item.minutes ? (
          <>
            <p className="agenda-minutes__text">
              <Multiline text={item.minutes} />
            </p>
            <p className="agenda-minutes__meta">
              {item.minutesUpdatedByName ?? '—'}・{formatDateTime(item.minutesUpdatedAt)}
            </p>
          </>
        ) : (
          <p className="muted">まだ記録されていません。</p>
        )}
        {meeting.can.decide && (
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => {
              setText(item.minutes ?? '');
              setBase(item.version);
              setDone(false);
              setEditing(true);
            }}
          >
            {item.minutes ? '議事録を編集する' : '議事録を書く'}
          </button>
        )}
      </div>
    );
  }
  return (
    <form className="agenda-minutes" onSubmit={(e) => void save(e)} noValidate>
      <ErrorSummary errors={errors?.conflict ? null : errors} idFor={(f) => (f === 'minutes' ? id : null)} />
      {errors?.conflict && (
        <Notice tone="warning" title="ほかの方が先に議事録を更新しました" focus>
          <p>{errors.message}</p>
          {current && (
            <>
              <p>
                {current.minutesUpdatedByName ?? 'ほかの方'}が保存した内容（{formatDateTime(current.minutesUpdatedAt)}）：
              </p>
              <blockquote className="meeting-quote">
                <Multiline text={current.minutes ?? '（空欄）'} />
              </blockquote>
              <p>入力中の内容は下に残っています。最新の内容に書き足すときは「最新の内容を読み込む」を選んでください。</p>
              <div className="button-row">
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => {
                    setText(current.minutes ?? '');
                    setBase(current.version);
                    setErrors(null);
                    onSaved(current);
                  }}
                >
                  最新の内容を読み込む
                </button>
                <button
                  type="button"
                  className="button button--tertiary button--small"
                  onClick={() => {
                    setBase(current.version);
                    setErrors(null);
                    onSaved(current);
                  }}
                >
                  入力中の内容で上書きする
                </button>
              </div>
            </>
          )}
        </Notice>
      )}
      <TextArea id={id} label={`議事録（${item.seq}. ${item.title}）`} rows={6} value={text} onChange={setText} error={fieldError(errors, 'minutes')} />
      <div className="button-row">
        <button type="submit" className="button button--primary button--small" disabled={busy || !!errors?.conflict}>
          議事録を保存する
        </button>
        <button type="button" className="button button--tertiary button--small" onClick={() => { setEditing(false); setErrors(null); }}>
          やめる
        </button>
      </div>
    </form>
  );
}

/**
 * 決定を記録する: the kinds this meeting may decide; plan approval, closure and suspension act on the case,
 * and so does 主担当の決定 on a case item outside a 支援会議 (there it is recorded only).
 */
function AddDecision({ meeting, item, onAdded }: { meeting: MeetingDetail; item: AgendaItemView; onAdded: (items: DecisionView[], d: DecisionView) => void }) {
  const [open, setOpen] = useState(false);
  // The kinds this user may record here: the server applies the municipality's rules (who decides 参加支援 / アウトリーチ).
  const kinds = meeting.can.decisionKinds.filter((k) => item.case || !CASE_DECISION_KINDS.includes(k));
  const [kind, setKind] = useState<DecisionKind | ''>('');
  const [content, setContent] = useState('');
  const [planId, setPlanId] = useState('');
  const [reason, setReason] = useState('');
  const [closureNote, setClosureNote] = useState('');
  const [followAgency, setFollowAgency] = useState('');
  const [frequency, setFrequency] = useState('');
  const [leadAgencyId, setLeadAgencyId] = useState('');
  const [recordOnly, setRecordOnly] = useState(false);
  const caseId = item.case?.id ?? null;
  const actsOnCase = kind === 'plan_approval' || kind === 'closure' || kind === 'suspension';
  const changesLead = kind === 'lead_decision' && !!caseId && !meeting.confidential && meeting.kind !== 'suishin';
  const plans = useApiData<PlanList>(open && caseId && kind === 'plan_approval' ? `/api/v1/cases/${caseId}/plans` : null);
  const detail = useApiData<CaseDetail>(open && caseId && kind === 'closure' ? `/api/v1/cases/${caseId}` : null);
  const agencies = useApiData<Page<AgencyView>>(open && kind === 'closure' ? '/api/v1/agencies?limit=200' : null);
  const team = useApiData<{ items: TeamMemberView[] }>(open && changesLead ? `/api/v1/cases/${caseId}/team` : null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const drafts = (plans.data?.items ?? []).filter((p) => p.status === 'draft');

  useEffect(() => {
    if (kind === 'plan_approval' && !planId && drafts.length === 1) setPlanId(drafts[0]!.id);
  }, [kind, planId, drafts]);

  if (!meeting.can.decide) return null;
  if (Date.parse(meeting.scheduledAt) > Date.now()) {
    return <p className="agenda-item__later">決定は、会議の開催後（{meetingWhen(meeting.scheduledAt)}以降）に記録できます。</p>;
  }
  if (!open) {
    return (
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
        決定を記録する
      </button>
    );
  }
  const p = `decision-${item.id}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!kind) problems.kind = '決定の種類を選んでください';
    if (!content.trim()) problems.content = '決定の内容を入力してください';
    if (kind === 'plan_approval' && !planId) problems.planId = '承認するプランを選んでください';
    if (kind === 'closure' && !reason) problems.closure = '終結理由を選んでください';
    if (changesLead && !leadAgencyId) problems.leadAgencyId = '主担当にする機関を選んでください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const result = await api.post<{ decision: DecisionView; items: DecisionView[] }>(`/api/v1/meetings/${meeting.id}/decisions`, {
        agendaItemId: item.id,
        kind,
        content: content.trim(),
        planId: kind === 'plan_approval' ? planId : null,
        closure:
          kind === 'closure'
            ? { reason, note: closureNote.trim() || null, followUpAgencyId: followAgency || null, followUpFrequency: frequency.trim() || null }
            : null,
        ...(changesLead ? { leadAgencyId } : {}),
        ...(actsOnCase ? { carryOut: !recordOnly } : {}),
      });
      setOpen(false);
      setKind('');
      setContent('');
      setLeadAgencyId('');
      onAdded(result.items, result.decision);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };
  const ids: Record<string, string> = {
    kind: `${p}-kind`,
    content: `${p}-content`,
    planId: `${p}-plan`,
    closure: `${p}-reason`,
    agendaItemId: `${p}-kind`,
    leadAgencyId: `${p}-lead`,
  };
  const teamAgencyRows = (team.data?.items ?? []).filter((m) => m.userId === null);
  const currentLead = teamAgencyRows.find((m) => m.role === 'lead');
  const teamAgencies = detail.data?.team.map((t) => ({ id: t.agencyId, name: t.agencyName })) ?? [];
  const followOptions = [...teamAgencies, ...(agencies.data?.items ?? []).filter((a) => !teamAgencies.some((t) => t.id === a.id))];

  return (
    <form className="inline-form agenda-decision-form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="inline-form__title">決定を記録する</p>
      <ErrorSummary errors={errors} idFor={(f) => ids[f.split('.')[0]!] ?? null} />
      <SelectField
        id={`${p}-kind`}
        label="決定の種類"
        required
        width="long"
        placeholder="選んでください"
        value={kind}
        onChange={(v) => setKind(v as DecisionKind)}
        error={fieldError(errors, 'kind') ?? fieldError(errors, 'agendaItemId')}
        hint={
          meeting.kind === 'shien'
            ? '支援会議では、プラン承認・終結・中断は決定できません（本人の同意を得て重層的支援会議で決定します）。'
            : DECISIONS_BY_KIND[meeting.kind].some((k) => SERVICE_DECISIONS.includes(k) && !meeting.can.decisionKinds.includes(k))
              ? `${serviceDecisionHint(meeting)}`
              : undefined
        }
        options={kinds.map((k) => ({ value: k, label: DECISION_LABELS[k] }))}
      />
      {kind === 'plan_approval' && (
        <SelectField
          id={`${p}-plan`}
          label="承認するプラン"
          required
          width="full"
          placeholder={plans.data ? (drafts.length ? '選んでください' : '承認を待っているプラン（案）がありません') : '読み込んでいます…'}
          value={planId}
          onChange={setPlanId}
          error={fieldError(errors, 'planId')}
          options={drafts.map((pl) => ({ value: pl.id, label: `第${pl.planNo}次プラン（案・第${pl.currentVersion}版）` }))}
        />
      )}
      {changesLead && (
        <SelectField
          id={`${p}-lead`}
          label="主担当にする機関"
          required
          width="full"
          placeholder={team.data ? '選んでください' : '読み込んでいます…'}
          hint={`事例のチームの機関から選びます。${currentLead ? `いまの主担当は${currentLead.agencyName}です。` : ''}`}
          value={leadAgencyId}
          onChange={setLeadAgencyId}
          error={fieldError(errors, 'leadAgencyId')}
          options={teamAgencyRows.map((m) => ({ value: m.agencyId, label: m.role === 'lead' ? `${m.agencyName}（いまの主担当）` : m.agencyName }))}
        />
      )}
      {kind === 'closure' && (
        <fieldset className="fieldset">
          <legend className="fieldset__legend">終結の内容</legend>
          <SelectField
            id={`${p}-reason`}
            label="終結理由"
            required
            placeholder="選んでください"
            value={reason}
            onChange={setReason}
            error={fieldError(errors, 'closure')}
            options={CLOSURE_REASONS.map((r) => ({ value: r, label: r }))}
          />
          {reason && !CLOSURE_WITHOUT_FOLLOW_UP.includes(reason) && (
            <>
              <SelectField
                id={`${p}-follow`}
                label="終結後につながり続ける機関（伴走）"
                width="full"
                placeholder="選んでください"
                value={followAgency}
                onChange={setFollowAgency}
                error={fieldError(errors, 'closure.followUpAgencyId')}
                options={followOptions.map((a) => ({ value: a.id, label: a.name }))}
              />
              <TextField id={`${p}-frequency`} label="伴走の頻度" hint="例：月に1回、電話で様子を聞く" width="full" value={frequency} onChange={setFrequency} error={fieldError(errors, 'closure.followUpFrequency')} />
            </>
          )}
          <TextArea id={`${p}-closure-note`} label="終結の経緯（任意）" rows={2} value={closureNote} onChange={setClosureNote} />
        </fieldset>
      )}
      {changesLead && item.case && (
        <p className="form__note">この決定は事例 {item.case.caseNo} に反映されます（選んだ機関が事例の主担当機関になり、これまでの主担当機関は「協力」になります）。</p>
      )}
      {actsOnCase && item.case && (
        <Checkbox
          id={`${p}-record-only`}
          label="決定だけを記録し、事例への反映は主担当機関が事例の画面で行う"
          hint="記録する方が事例の主担当機関・コーディネーターでないときに選びます。主担当機関は、終結・中断・承認のときにこの決定を選びます。"
          checked={recordOnly}
          onChange={setRecordOnly}
        />
      )}
      {kind && CASE_DECISION_KINDS.includes(kind) && item.case && !(actsOnCase && recordOnly) && (
        <p className="form__note">
          この決定は事例 {item.case.caseNo} に反映されます（{kind === 'plan_approval' ? 'プランが「承認」になります' : kind === 'closure' ? '事例が「終結」になります' : kind === 'suspension' ? '事例が「中断」になります' : '事例の経過に記録されます'}）。
        </p>
      )}
      <TextArea id={`${p}-content`} label="決定の内容" required rows={3} value={content} onChange={setContent} error={fieldError(errors, 'content')} />
      <div className="button-row">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          決定を記録する
        </button>
        <button type="button" className="button button--tertiary button--small" onClick={() => { setOpen(false); setErrors(null); }}>
          やめる
        </button>
      </div>
    </form>
  );
}

/** やること (follow-ups): owner among the staff attendees, due date. */
function FollowUps({
  meeting,
  item,
  items,
  onChanged,
}: {
  meeting: MeetingDetail;
  item: AgendaItemView;
  items: FollowUpView[];
  onChanged: (items: FollowUpView[]) => void;
}) {
  const user = useUser();
  const [open, setOpen] = useState(false);
  const [content, setContent] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const staff = meeting.attendees.filter((a) => a.userId);
  const p = `follow-${item.id}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!content.trim()) problems.content = 'やることを入力してください';
    if (!owner) problems.ownerUserId = '担当者を選んでください';
    if (!due) problems.dueOn = '期限を入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const result = await api.post<{ items: FollowUpView[] }>(`/api/v1/meetings/${meeting.id}/follow-ups`, {
        agendaItemId: item.id,
        content: content.trim(),
        ownerUserId: owner,
        dueOn: due,
      });
      setContent('');
      setOwner('');
      setDue('');
      setOpen(false);
      onChanged(result.items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };
  const complete = async (f: FollowUpView) => {
    try {
      onChanged((await api.post<{ items: FollowUpView[] }>(`/api/v1/meetings/${meeting.id}/follow-ups/${f.id}/done`, {})).items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  return (
    <div className="agenda-follow-ups">
      <h4 className="agenda-item__subtitle">会議のあとのやること</h4>
      {items.length ? (
        <ul className="follow-up-list">
          {items.map((f) => (
            <li key={f.id} className={`follow-up${f.doneAt ? ' follow-up--done' : ''}`}>
              <span className="follow-up__content">{f.content}</span>
              <span className="follow-up__meta">
                担当：{f.owner.name ?? '—'}
                {f.owner.agencyName ? `（${f.owner.agencyName}）` : ''}・期限：{formatDate(f.dueOn)}
              </span>
              {f.doneAt ? (
                <Badge tone="success">済</Badge>
              ) : f.overdue ? (
                <Badge tone="error">期限超過</Badge>
              ) : null}
              {!f.doneAt && (f.owner.userId === user.id || meeting.can.manage) && (
                <button type="button" className="link-button" onClick={() => void complete(f)}>
                  済みにする
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">まだありません。</p>
      )}
      {meeting.can.decide &&
        (open ? (
          <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate>
            <p className="inline-form__title">やることを記録する</p>
            <ErrorSummary errors={errors} idFor={(f) => ({ content: `${p}-content`, ownerUserId: `${p}-owner`, dueOn: `${p}-due` })[f] ?? null} />
            <TextField id={`${p}-content`} label="やること" required width="full" hint="例：母の介護保険の区分変更申請を支援する" value={content} onChange={setContent} error={fieldError(errors, 'content')} />
            <div className="field-row">
              <SelectField
                id={`${p}-owner`}
                label="担当者"
                required
                placeholder="出席者から選ぶ"
                value={owner}
                onChange={setOwner}
                error={fieldError(errors, 'ownerUserId')}
                options={staff.map((a) => ({ value: a.userId!, label: `${a.name}（${a.organization ?? ''}）` }))}
              />
              <TextField id={`${p}-due`} label="期限" required type="date" width="medium" value={due} onChange={setDue} error={fieldError(errors, 'dueOn')} />
            </div>
            <p className="form__note">担当者の「わたしの仕事」に表示されます。</p>
            <div className="button-row">
              <button type="submit" className="button button--primary button--small" disabled={busy}>
                記録する
              </button>
              <button type="button" className="button button--tertiary button--small" onClick={() => { setOpen(false); setErrors(null); }}>
                やめる
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
            やることを加える
          </button>
        ))}
    </div>
  );
}

function AgendaItem({
  meeting,
  item,
  followUps,
  onItem,
  onDecisions,
  onFollowUps,
}: {
  meeting: MeetingDetail;
  item: AgendaItemView;
  followUps: FollowUpView[];
  onItem: (item: AgendaItemView) => void;
  onDecisions: (items: DecisionView[]) => void;
  onFollowUps: (items: FollowUpView[]) => void;
}) {
  const [decided, setDecided] = useState<string | null>(null);
  const basis = basisLabel(item.consentBasis);
  return (
    <li className="agenda-item" aria-labelledby={`agenda-${item.id}`}>
      <div className="agenda-item__head">
        <span className="agenda-item__seq" aria-hidden="true">
          {item.seq}
        </span>
        <div>
          <h3 id={`agenda-${item.id}`} className="agenda-item__title">
            <span className="visually-hidden">議題{item.seq}：</span>
            {item.title}
          </h3>
          <p className="agenda-item__subject">
            {item.case ? (
              <>
                事例 <Link to={`/cases/${item.case.id}`}>{item.case.caseNo}</Link> {item.case.title}
                {item.person && <span>・本人：{item.person.name}</span>}
              </>
            ) : item.person ? (
              <>本人：{item.person.name}</>
            ) : (
              <span className="muted">{meeting.kind === 'suishin' ? '体制についての議題' : '個人を特定しない議題'}</span>
            )}
          </p>
          {basis && <p className="agenda-item__basis">共有の根拠：{basis}</p>}
        </div>
      </div>
      {item.description && (
        <p className="agenda-item__description">
          <Multiline text={item.description} />
        </p>
      )}
      <div className="agenda-item__body">
        <Minutes meeting={meeting} item={item} onSaved={onItem} />
        <div className="agenda-decisions">
          <h4 className="agenda-item__subtitle">決定</h4>
          {decided && (
            <Notice tone="success" focus>
              <p>{decided}</p>
            </Notice>
          )}
          {item.decisions.length ? (
            <ul className="decision-list">
              {item.decisions.map((d) => (
                <li key={d.id} className="decision">
                  <span className={`decision__kind decision__kind--${d.kind}`}>{d.kindLabel}</span>
                  <span className="decision__content">
                    <Multiline text={d.content} />
                    {d.planVersion && <span className="decision__effect">第{d.planVersion}版のプランを承認</span>}
                    {d.caseTransitionSeq && <span className="decision__effect">事例の状態に反映しました</span>}
                    {d.details?.pending && !d.caseTransitionSeq && !d.planVersion ? <span className="decision__effect">事例への反映待ち（主担当機関が事例の画面でこの決定を選びます）</span> : null}
                    {d.kind === 'lead_decision' && d.details?.leadAgencyId ? <span className="decision__effect">事例の主担当機関に反映しました</span> : null}
                  </span>
                  <span className="decision__meta">
                    {d.decidedByName ?? '—'}・{formatDateTime(d.decidedAt)}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">まだ記録されていません。</p>
          )}
          <AddDecision
            meeting={meeting}
            item={item}
            onAdded={(items, d) => {
              onDecisions(items);
              setDecided(
                d.kind === 'plan_approval'
                  ? `プランを承認しました。事例 ${item.case?.caseNo ?? ''} のプランは「承認」になりました。`
                  : d.kind === 'closure'
                    ? `事例 ${item.case?.caseNo ?? ''} を終結にしました。`
                    : d.kind === 'suspension'
                      ? `事例 ${item.case?.caseNo ?? ''} を中断にしました。`
                      : d.kind === 'lead_decision' && d.details?.leadAgencyId
                        ? `主担当の決定を記録し、事例 ${item.case?.caseNo ?? ''} の主担当機関に反映しました。`
                        : `「${d.kindLabel}」を記録しました。`,
              );
            }}
          />
        </div>
        <FollowUps meeting={meeting} item={item} items={followUps.filter((f) => f.agendaItemId === item.id)} onChanged={onFollowUps} />
      </div>
    </li>
  );
}

/** 議題: only for attendees, and for a 支援会議 only after the 守秘義務 acknowledgement. */
export function MeetingAgenda({ meeting, onAgenda }: { meeting: MeetingDetail; onAgenda: (agenda: Agenda) => void }) {
  const agenda = meeting.agenda;
  const followUps = useApiData<{ items: FollowUpView[] }>(agenda ? `/api/v1/meetings/${meeting.id}/follow-ups` : null);

  if (!agenda) {
    return (
      <section className="panel meeting-agenda meeting-agenda--closed" aria-labelledby="meeting-agenda">
        <h2 id="meeting-agenda" className="panel__title">
          議題・議事録・決定
        </h2>
        <p>
          {meeting.confidential
            ? meeting.can.acknowledge
              ? '支援会議の議題・会議資料・議事録は、上の「守秘義務の確認」をした後に表示されます。守秘義務を確認していない出席者には、会議の日時と出席者だけが表示されます。'
              : '支援会議の議題・会議資料・議事録は、守秘義務を確認した出席者だけが開けます。'
            : 'この会議の議題・議事録・決定は出席者だけが開けます。'}
        </p>
      </section>
    );
  }

  const setItem = (next: AgendaItemView) => onAgenda(agenda.map((i) => (i.id === next.id ? { ...next, decisions: next.decisions ?? i.decisions } : i)));
  const setDecisions = (all: DecisionView[]) => onAgenda(agenda.map((i) => ({ ...i, decisions: all.filter((d) => d.agendaItemId === i.id) })));

  return (
    <section className="panel meeting-agenda" aria-labelledby="meeting-agenda">
      <h2 id="meeting-agenda" className="panel__title">
        議題・議事録・決定 <span className="results__count">{agenda.length}件</span>
      </h2>
      {meeting.confidential && <p className="meeting-secret-line">この欄の内容は非公開です（支援会議の守秘義務）。事例や本人のページには表示されません。</p>}
      {agenda.length ? (
        <ol className="agenda-list">
          {agenda.map((item) => (
            <AgendaItem
              key={item.id}
              meeting={meeting}
              item={item}
              followUps={followUps.data?.items ?? []}
              onItem={setItem}
              onDecisions={setDecisions}
              onFollowUps={(items) => followUps.setData({ items })}
            />
          ))}
        </ol>
      ) : (
        <p className="empty">議題はまだありません。</p>
      )}
      {meeting.can.addAgenda && <AddAgendaItem meeting={meeting} onAdded={onAgenda} />}
      {meeting.kind === 'shien' && <MeetingInfoRequests meeting={meeting} />}
    </section>
  );
}

/** Which of 参加支援 / アウトリーチ this municipality leaves to the 市 (事務局), in words. */
function serviceDecisionHint(meeting: MeetingDetail): string {
  const reserved = [
    meeting.rule.serviceDecisions.participationSupport === 'secretariat' ? '参加支援' : null,
    meeting.rule.serviceDecisions.outreach === 'secretariat' ? 'アウトリーチ' : null,
  ].filter(Boolean);
  return `${reserved.join('・')}の利用は、この自治体ではプランにもとづいて市（事務局）が決定します。`;
}
