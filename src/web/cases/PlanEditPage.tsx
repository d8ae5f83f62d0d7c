import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { CONSENT_METHODS } from '../../shared/cases.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, formErrorsFrom, RadioGroup, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DateTime, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api, request } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { CaseDetail, PlanList, PlanView } from '../lib/types.ts';
import { caseCrumbs, CaseHeader } from './CaseFrame.tsx';
import {
  COMPARED_ITEMS,
  comparedFromContent,
  DateField,
  dateOrNull,
  differingKeys,
  ItemValue,
  type ComparedKey,
  type ComparedPlan,
} from './PlanParts.tsx';

/**
 * Drafting a 支援プラン (案): a new plan (optionally copying another plan's
 * content) or a new version of a draft. Goals and actions are rows that can
 * be added, moved and removed with the keyboard. When someone else saved
 * first (409), both versions are shown item by item and this user's input
 * stays in the form.
 */

const MAX_GOALS = 10;
const MAX_ACTIONS = 30;

interface GoalRow {
  uid: string;
  key: string | null;
  text: string;
}

interface ActionRow {
  uid: string;
  content: string;
  agencyId: string;
  staffName: string;
  frequency: string;
  period: string;
}

interface Draft {
  longTermGoal: string;
  goals: GoalRow[];
  direction: string;
  actions: ActionRow[];
  leadAgencyId: string;
  consentOn: string;
  consentMethod: string;
  nextReviewOn: string;
  changeNote: string;
}

let uidCounter = 0;
const uid = () => `r${++uidCounter}`;

const emptyAction = (agencyId = ''): ActionRow => ({ uid: uid(), content: '', agencyId, staffName: '', frequency: '', period: '' });

function draftFromPlan(plan: PlanView, copy: boolean): Draft {
  const c = plan.content;
  return {
    longTermGoal: c.longTermGoal,
    goals: c.shortTermGoals.map((g) => ({ uid: uid(), key: g.key, text: g.text })),
    direction: c.direction,
    actions: c.actions.map((a) => ({ uid: uid(), content: a.content, agencyId: a.agencyId, staffName: a.staffName, frequency: a.frequency, period: a.period })),
    leadAgencyId: c.leadAgency?.id ?? '',
    // The consent and the review date belong to one plan: a new plan asks again.
    consentOn: copy ? '' : (c.consentOn ?? ''),
    consentMethod: copy ? '' : (c.consentMethod ?? ''),
    nextReviewOn: copy ? '' : (c.nextReviewOn ?? ''),
    changeNote: '',
  };
}

function blankDraft(leadAgencyId: string): Draft {
  return {
    longTermGoal: '',
    goals: [{ uid: uid(), key: null, text: '' }],
    direction: '',
    actions: [emptyAction(leadAgencyId)],
    leadAgencyId,
    consentOn: '',
    consentMethod: '',
    nextReviewOn: '',
    changeNote: '',
  };
}

function compared(d: Draft): ComparedPlan {
  return {
    longTermGoal: d.longTermGoal,
    shortTermGoals: d.goals.map((g) => g.text),
    direction: d.direction,
    actions: d.actions.map(({ content, agencyId, staffName, frequency, period }) => ({ content, agencyId, staffName, frequency, period })),
    leadAgencyId: d.leadAgencyId,
    consentOn: d.consentOn,
    consentMethod: d.consentMethod,
    nextReviewOn: d.nextReviewOn,
  };
}

function bodyOf(d: Draft) {
  return {
    longTermGoal: d.longTermGoal,
    shortTermGoals: d.goals.map((g) => (g.key ? { key: g.key, text: g.text } : { text: g.text })),
    direction: d.direction,
    actions: d.actions.map(({ content, agencyId, staffName, frequency, period }) => ({ content, agencyId, staffName, frequency, period })),
    leadAgencyId: d.leadAgencyId,
    consentOn: dateOrNull(d.consentOn),
    consentMethod: d.consentMethod || null,
    nextReviewOn: dateOrNull(d.nextReviewOn),
    changeNote: d.changeNote.trim() || null,
  };
}

/** Problems the browser can see before sending (the server checks the same and more). */
function check(d: Draft): FormErrors | null {
  const f: Record<string, string> = {};
  if (!d.longTermGoal.trim()) f.longTermGoal = '長期目標：入力してください';
  if (!d.goals.length) f.shortTermGoals = '短期目標：1つ以上入力してください';
  d.goals.forEach((g, i) => {
    if (!g.text.trim()) f[`shortTermGoals.${i}.text`] = '短期目標：目標を入力してください';
  });
  if (!d.actions.length) f.actions = '支援の内容と役割分担：1行以上入力してください';
  d.actions.forEach((a, i) => {
    if (!a.content.trim()) f[`actions.${i}.content`] = '支援の内容と役割分担：内容を入力してください';
    if (!a.agencyId) f[`actions.${i}.agencyId`] = '支援の内容と役割分担：担当機関を選んでください';
  });
  if (!d.leadAgencyId) f.leadAgencyId = '主担当機関：選んでください';
  return clientErrors(f);
}

/**
 * The API names row fields by index (actions.1.agencyId). For the summary
 * each becomes its own entry (the summary groups by the part before a dot)
 * with the row number in the message, linked to that row's control.
 */
function displayErrors(errors: FormErrors | null): FormErrors | null {
  if (!errors) return null;
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors.fields)) {
    const m = /^(shortTermGoals|actions)\.(\d+)\.(\w+)$/.exec(key);
    if (m) {
      const n = Number(m[2]) + 1;
      const rest = message.includes('：') ? message.slice(message.indexOf('：') + 1) : message;
      fields[key.replaceAll('.', '-')] =
        message.includes('行目') || message.includes('つ目') ? message : m[1] === 'actions' ? `支援の内容と役割分担（${n}行目）：${rest}` : `短期目標${n}：${rest}`;
    } else {
      fields[key.replaceAll('.', '-')] = message;
    }
  }
  return { ...errors, fields };
}

/** The message next to a control (without the item label the summary shows). */
function inline(errors: FormErrors | null, key: string): string | undefined {
  const message = errors?.fields[key.replaceAll('.', '-')];
  if (!message) return undefined;
  return message.includes('：') ? message.slice(message.indexOf('：') + 1) : message;
}

interface Conflict {
  message: string;
  current: PlanView;
  yours: Draft;
}

/** Someone saved first: both versions item by item; this user's input stays in the form below. */
function PlanConflict({
  conflict,
  agencyName,
  onUseTheirs,
  onKeepMine,
  onDiscard,
}: {
  conflict: Conflict;
  agencyName: (id: string) => string;
  onUseTheirs: (key: ComparedKey) => void;
  onKeepMine: () => void;
  onDiscard: () => void;
}) {
  const { current, yours } = conflict;
  const theirs = comparedFromContent(current.content);
  const mine = compared(yours);
  const differing = differingKeys(theirs, mine);
  const rows = COMPARED_ITEMS.filter((i) => differing.has(i.key));
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const locked = current.status !== 'draft';
  const latest = current.versions[0];
  return (
    <section className="panel plan-conflict" aria-labelledby="plan-conflict-title" tabIndex={-1} ref={ref}>
      <h2 id="plan-conflict-title" className="panel__title">
        ほかの方が先に保存しました（第{current.currentVersion}版）
      </h2>
      <p>{conflict.message}</p>
      {latest && (
        <p className="plan-conflict__who">
          第{current.currentVersion}版：<DateTime value={latest.savedAt} />
          {latest.byUserName ? `・${latest.byUserName}` : ''}
          {latest.byAgencyName ? `（${latest.byAgencyName}）` : ''}
          {latest.changeNote ? `｜メモ：${latest.changeNote}` : ''}
        </p>
      )}
      {locked ? (
        <Notice tone="warning" title={`このプランは「${current.statusLabel}」になりました`}>
          <p>承認済みのプランは変更できません。あなたの入力は下に残っています。必要な内容を控えてから、新しいプランを作成してください。</p>
        </Notice>
      ) : (
        <p>
          あなたの入力はまだ保存されていませんが、<strong>下の入力欄に残っています</strong>。違いのある{rows.length}項目を並べました。
          最新の版の内容を使う項目は「最新の版にする」を押し、よければ「この内容で保存する」を押してください。
        </p>
      )}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table table--compact plan-compare">
            <caption className="visually-hidden">最新の版とあなたの入力の違い</caption>
            <thead>
              <tr>
                <th scope="col">項目</th>
                <th scope="col">最新の版（第{current.currentVersion}版）</th>
                <th scope="col">あなたの入力</th>
                {!locked && (
                  <th scope="col">
                    <span className="visually-hidden">操作</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row" className="plan-compare__item">
                    {r.label}
                  </th>
                  <td>
                    <ItemValue plan={theirs} itemKey={r.key} agencyName={agencyName} />
                  </td>
                  <td className="plan-compare__after">
                    <ItemValue plan={mine} itemKey={r.key} agencyName={agencyName} />
                  </td>
                  {!locked && (
                    <td className="table__action">
                      <button type="button" className="button button--secondary button--small" onClick={() => onUseTheirs(r.key)}>
                        最新の版にする<span className="visually-hidden">（{r.label}）</span>
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>内容はあなたの入力と同じです。</p>
      )}
      {!locked && (
        <div className="button-row">
          <button type="button" className="button button--primary" onClick={onKeepMine}>
            この内容で保存する（第{current.currentVersion + 1}版）
          </button>
          <button type="button" className="button button--tertiary" onClick={onDiscard}>
            入力を破棄して最新の版を表示する
          </button>
        </div>
      )}
    </section>
  );
}

export function PlanEditPage() {
  const { id = '', planId } = useParams();
  const [search] = useSearchParams();
  const fromId = planId ? null : search.get('from');
  const navigate = useNavigate();
  const caseId = encodeURIComponent(id);
  const detail = useApiData<CaseDetail>(`/api/v1/cases/${caseId}`);
  const list = useApiData<PlanList>(planId ? null : `/api/v1/cases/${caseId}/plans`);
  const source = useApiData<PlanView>(
    planId ? `/api/v1/cases/${caseId}/plans/${encodeURIComponent(planId)}` : fromId ? `/api/v1/cases/${caseId}/plans/${encodeURIComponent(fromId)}` : null,
  );

  const [draft, setDraft] = useState<Draft | null>(null);
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState(false);
  const focusNext = useRef<string | null>(null);

  const d = detail.data;
  const teamAgencies = useMemo(() => (d ? d.team.filter((m) => m.userId === null) : []), [d]);
  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const a of teamAgencies) m.set(a.agencyId, a.agencyName);
    for (const a of source.data?.content.actions ?? []) if (!m.has(a.agencyId)) m.set(a.agencyId, a.agencyName);
    for (const a of conflict?.current.content.actions ?? []) if (!m.has(a.agencyId)) m.set(a.agencyId, a.agencyName);
    return m;
  }, [teamAgencies, source.data, conflict]);
  const agencyName = (aid: string) => names.get(aid) ?? '（チーム外の機関）';

  useEffect(() => {
    if (draft || !d) return;
    if (planId || fromId) {
      if (!source.data) return;
      setDraft(draftFromPlan(source.data, !planId));
      if (planId) setBaseVersion(source.data.currentVersion);
    } else {
      setDraft(blankDraft(d.leadAgency.id));
    }
  }, [d, source.data, draft, planId, fromId]);

  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const loadError = detail.error ?? source.error ?? list.error;
  const crumbs = d ? [...caseCrumbs(d), { label: '支援プラン', to: `/cases/${d.id}/plans` }] : [{ label: '事例（多機関協働）', to: '/cases' }];
  const editing = Boolean(planId);
  const plan = source.data;
  const nextNo = list.data ? Math.max(0, ...list.data.items.map((p) => p.planNo)) + 1 : null;
  const title = editing ? `第${plan?.planNo ?? ''}回プランの案を編集` : `新しいプランの作成${nextNo ? `（第${nextNo}回）` : ''}`;

  if (loadError) {
    return (
      <>
        <PageHeader title="支援プランの編集" breadcrumbs={crumbs} />
        <LoadError error={loadError} onRetry={() => (detail.error ? detail.reload() : source.error ? source.reload() : list.reload())} />
      </>
    );
  }
  if (!d || !draft || (!editing && !list.data)) {
    return (
      <>
        <PageHeader title="支援プランの編集" breadcrumbs={crumbs} />
        <Loading />
      </>
    );
  }

  const header = <CaseHeader detail={d} title={`${d.caseNo} ${title}`} kicker="支援プラン" heading={title} breadcrumbs={crumbs} />;

  if (editing && plan && plan.status !== 'draft' && !conflict) {
    return (
      <>
        {header}
        <Notice tone="warning" title="承認済みのプランは変更できません">
          <p>このプランは「{plan.statusLabel}」です。見直す場合は、プランのページから新しいプランを作成してください。</p>
          <Link to={`/cases/${d.id}/plans?plan=${plan.id}`}>支援プランへ戻る</Link>
        </Notice>
      </>
    );
  }
  if (editing && plan && plan.status === 'draft' && !plan.can.edit && !conflict) {
    return (
      <>
        {header}
        <Notice tone="warning" title="このプランは編集できません">
          <p>プランの案は、事例の主担当機関と協力機関が編集します。チームでの役割が「情報提供」の機関は閲覧だけができます。</p>
          <Link to={`/cases/${d.id}/plans?plan=${plan.id}`}>支援プランへ戻る</Link>
        </Notice>
      </>
    );
  }
  if (!editing && list.data && !list.data.can.create) {
    return (
      <>
        {header}
        <Notice tone="warning" title="いまは新しいプランを作成できません">
          <p>{list.data.can.createBlockedReason}</p>
          <Link to={`/cases/${d.id}/plans`}>支援プランへ戻る</Link>
        </Notice>
      </>
    );
  }

  const update = (patch: Partial<Draft>) => setDraft((x) => (x ? { ...x, ...patch } : x));
  const setGoal = (i: number, text: string) => update({ goals: draft.goals.map((g, j) => (j === i ? { ...g, text } : g)) });
  const setAction = (i: number, patch: Partial<ActionRow>) => update({ actions: draft.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  function move<T>(rows: T[], i: number, by: number): T[] {
    const next = [...rows];
    const [row] = next.splice(i, 1);
    next.splice(i + by, 0, row!);
    return next;
  }

  const addGoal = () => {
    const row = { uid: uid(), key: null, text: '' };
    focusNext.current = `plan-goal-${row.uid}`;
    update({ goals: [...draft.goals, row] });
  };
  const removeGoal = (i: number) => {
    const next = draft.goals[i + 1] ?? draft.goals[i - 1];
    focusNext.current = next ? `plan-goal-${next.uid}` : 'plan-goal-add';
    update({ goals: draft.goals.filter((_, j) => j !== i) });
  };
  const moveGoal = (i: number, by: number, which: 'up' | 'down') => {
    const row = draft.goals[i]!;
    const target = i + by;
    const edge = (which === 'up' && target === 0) || (which === 'down' && target === draft.goals.length - 1);
    focusNext.current = edge ? `plan-goal-${row.uid}` : `plan-goal-${which}-${row.uid}`;
    update({ goals: move(draft.goals, i, by) });
  };
  const addAction = () => {
    const last = draft.actions.at(-1);
    const row = emptyAction(last?.agencyId ?? d.leadAgency.id);
    focusNext.current = `plan-action-${row.uid}-content`;
    update({ actions: [...draft.actions, row] });
  };
  const removeAction = (i: number) => {
    const next = draft.actions[i + 1] ?? draft.actions[i - 1];
    focusNext.current = next ? `plan-action-${next.uid}-content` : 'plan-action-add';
    update({ actions: draft.actions.filter((_, j) => j !== i) });
  };
  const moveAction = (i: number, by: number, which: 'up' | 'down') => {
    const row = draft.actions[i]!;
    const target = i + by;
    const edge = (which === 'up' && target === 0) || (which === 'down' && target === draft.actions.length - 1);
    focusNext.current = edge ? `plan-action-${row.uid}-content` : `plan-action-${which}-${row.uid}`;
    update({ actions: move(draft.actions, i, by) });
  };

  const shown = displayErrors(errors);
  const idFor = (key: string): string | null => {
    const m = /^(shortTermGoals|actions)-(\d+)-(\w+)$/.exec(key);
    if (m) {
      const i = Number(m[2]);
      if (m[1] === 'shortTermGoals') return draft.goals[i] ? `plan-goal-${draft.goals[i].uid}` : null;
      return draft.actions[i] ? `plan-action-${draft.actions[i].uid}-${m[3] === 'agencyId' ? 'agency' : m[3]}` : null;
    }
    const ids: Record<string, string> = {
      longTermGoal: 'plan-long',
      shortTermGoals: 'plan-goal-add',
      direction: 'plan-direction',
      actions: 'plan-action-add',
      leadAgencyId: 'plan-lead',
      consentOn: 'plan-consent-on',
      consentMethod: 'plan-consent-method-0',
      nextReviewOn: 'plan-next-review',
      changeNote: 'plan-change-note',
    };
    return ids[key] ?? null;
  };

  const save = async (base: number | null = baseVersion) => {
    const problems = check(draft);
    if (problems) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const body = bodyOf(draft);
      const saved = editing
        ? await request<PlanView>('PUT', `/api/v1/cases/${caseId}/plans/${encodeURIComponent(planId!)}`, { ...body, baseVersion: base })
        : await api.post<PlanView>(`/api/v1/cases/${caseId}/plans`, body);
      navigate(`/cases/${d.id}/plans?plan=${saved.id}`, {
        state: {
          flash: editing
            ? `第${saved.planNo}回プランの案を保存しました（第${saved.currentVersion}版）。`
            : `第${saved.planNo}回プランの案を作成しました。重層的支援会議で承認されたら「承認を記録」で記録してください。`,
        },
      });
    } catch (error) {
      const e = formErrorsFrom(error);
      if (e.conflict && e.current) {
        setConflict({ message: e.message, current: e.current as PlanView, yours: draft });
      } else {
        setErrors(e);
      }
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save();
  };

  const useTheirs = (key: ComparedKey) => {
    if (!conflict) return;
    const theirs = draftFromPlan(conflict.current, false);
    const patch: Partial<Draft> =
      key === 'shortTermGoals'
        ? { goals: theirs.goals }
        : key === 'actions'
          ? { actions: theirs.actions }
          : key === 'longTermGoal'
            ? { longTermGoal: theirs.longTermGoal }
            : key === 'direction'
              ? { direction: theirs.direction }
              : key === 'leadAgencyId'
                ? { leadAgencyId: theirs.leadAgencyId }
                : key === 'consentOn'
                  ? { consentOn: theirs.consentOn }
                  : key === 'consentMethod'
                    ? { consentMethod: theirs.consentMethod }
                    : { nextReviewOn: theirs.nextReviewOn };
    const next = { ...draft, ...patch };
    setDraft(next);
    setConflict({ ...conflict, yours: next });
  };

  const agencyOptions = teamAgencies.map((a) => ({ value: a.agencyId, label: `${a.agencyName}（${a.roleLabel}）` }));
  // An agency no longer on the team stays selectable in the row that names it, so the user sees what to change.
  const optionsFor = (agencyId: string) =>
    agencyId && !teamAgencies.some((a) => a.agencyId === agencyId) ? [...agencyOptions, { value: agencyId, label: `${agencyName(agencyId)}（チーム外）` }] : agencyOptions;

  return (
    <>
      {header}
      {fromId && plan && !editing && (
        <Notice tone="info" title={`第${plan.planNo}回プランの内容を写しました`}>
          <p>見直す点を書き換えてください。本人の同意と次回評価日は、新しいプランについて改めて確認し、入力します。</p>
        </Notice>
      )}
      {conflict && (
        <PlanConflict
          conflict={conflict}
          agencyName={agencyName}
          onUseTheirs={useTheirs}
          onKeepMine={() => {
            const base = conflict.current.currentVersion;
            setBaseVersion(base);
            setConflict(null);
            void save(base);
          }}
          onDiscard={() => {
            setDraft(draftFromPlan(conflict.current, false));
            setBaseVersion(conflict.current.currentVersion);
            setConflict(null);
          }}
        />
      )}
      <form className="form form--wide plan-form" onSubmit={submit} noValidate>
        <ErrorSummary errors={shown} idFor={idFor} />
        {editing && plan && (
          <p className="form__note">
            第{baseVersion}版をもとに編集しています。保存すると第{(baseVersion ?? plan.currentVersion) + 1}版になり、これまでの版は履歴に残ります。
          </p>
        )}

        <section className="form-section" aria-labelledby="plan-goals-title">
          <h2 id="plan-goals-title" className="form-section__title">
            目標
          </h2>
          <TextArea
            id="plan-long"
            label="長期目標"
            required
            hint="本人が望む暮らしの姿。できるだけ本人の言葉を生かして書きます。"
            rows={3}
            value={draft.longTermGoal}
            onChange={(v) => update({ longTermGoal: v })}
            error={inline(shown, 'longTermGoal')}
          />
          <fieldset className={`field fieldset${inline(shown, 'shortTermGoals') ? ' field--error' : ''}`} aria-describedby="plan-goals-hint">
            <legend className="field__label">
              短期目標
              <span className="required-mark">
                <span className="visually-hidden">（</span>必須<span className="visually-hidden">）</span>
              </span>
            </legend>
            <p id="plan-goals-hint" className="field__hint">
              長期目標に向けて、次回評価日までに目指すこと（{MAX_GOALS}件まで）。評価は目標ごとに記録します。
            </p>
            {inline(shown, 'shortTermGoals') && <p className="field__error">{inline(shown, 'shortTermGoals')}</p>}
            <ol className="plan-rows">
              {draft.goals.map((g, i) => {
                const err = inline(shown, `shortTermGoals.${i}.text`);
                return (
                  <li key={g.uid} className={`plan-goal-row${err ? ' field--error' : ''}`}>
                    <label htmlFor={`plan-goal-${g.uid}`} className="plan-goal-row__label">
                      短期目標{i + 1}
                    </label>
                    <div className="plan-goal-row__body">
                      {err && (
                        <p id={`plan-goal-${g.uid}-error`} className="field__error">
                          <span className="visually-hidden">エラー：</span>
                          {err}
                        </p>
                      )}
                      <textarea
                        id={`plan-goal-${g.uid}`}
                        className="input input--full textarea"
                        rows={2}
                        value={g.text}
                        onChange={(e) => setGoal(i, e.target.value)}
                        aria-invalid={err ? true : undefined}
                        aria-describedby={err ? `plan-goal-${g.uid}-error` : undefined}
                      />
                    </div>
                    <div className="plan-row-tools" role="group" aria-label={`短期目標${i + 1}の操作`}>
                      <button
                        type="button"
                        id={`plan-goal-up-${g.uid}`}
                        className="button button--tertiary button--small"
                        disabled={i === 0}
                        onClick={() => moveGoal(i, -1, 'up')}
                      >
                        上へ<span className="visually-hidden">（短期目標{i + 1}）</span>
                      </button>
                      <button
                        type="button"
                        id={`plan-goal-down-${g.uid}`}
                        className="button button--tertiary button--small"
                        disabled={i === draft.goals.length - 1}
                        onClick={() => moveGoal(i, 1, 'down')}
                      >
                        下へ<span className="visually-hidden">（短期目標{i + 1}）</span>
                      </button>
                      <button
                        type="button"
                        className="button button--tertiary button--small plan-row-tools__remove"
                        disabled={draft.goals.length === 1}
                        onClick={() => removeGoal(i)}
                      >
                        削除<span className="visually-hidden">（短期目標{i + 1}）</span>
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
            <button type="button" id="plan-goal-add" className="button button--secondary button--small" disabled={draft.goals.length >= MAX_GOALS} onClick={addGoal}>
              ＋ 短期目標を追加
            </button>
          </fieldset>
        </section>

        <section className="form-section" aria-labelledby="plan-direction-title">
          <h2 id="plan-direction-title" className="form-section__title">
            支援の方向性
          </h2>
          <TextArea
            id="plan-direction"
            label="支援の方向性"
            hint="チームとしてどのように関わるか。本人の強みや、無理のない進め方も書きます。"
            rows={4}
            value={draft.direction}
            onChange={(v) => update({ direction: v })}
            error={inline(shown, 'direction')}
          />
        </section>

        <section className="form-section" aria-labelledby="plan-actions-title">
          <h2 id="plan-actions-title" className="form-section__title">
            支援の内容と役割分担
          </h2>
          <p className="form__note">
            担当機関は、この事例のチームの機関から選びます。チームにない機関は、先に「概要・チーム」で加えてください（{MAX_ACTIONS}行まで）。
          </p>
          {inline(shown, 'actions') && <p className="field__error">{inline(shown, 'actions')}</p>}
          <ol className="plan-rows">
            {draft.actions.map((a, i) => {
              const err = (f: string) => inline(shown, `actions.${i}.${f}`);
              const n = i + 1;
              const fid = (f: string) => `plan-action-${a.uid}-${f}`;
              return (
                <li key={a.uid} className="plan-action-row">
                  <div className="plan-action-row__head">
                    <span className="plan-action-row__no" aria-hidden="true">
                      {n}
                    </span>
                    <span className="plan-action-row__title">{n}行目</span>
                    <div className="plan-row-tools" role="group" aria-label={`${n}行目の操作`}>
                      <button type="button" id={`plan-action-up-${a.uid}`} className="button button--tertiary button--small" disabled={i === 0} onClick={() => moveAction(i, -1, 'up')}>
                        上へ<span className="visually-hidden">（{n}行目）</span>
                      </button>
                      <button
                        type="button"
                        id={`plan-action-down-${a.uid}`}
                        className="button button--tertiary button--small"
                        disabled={i === draft.actions.length - 1}
                        onClick={() => moveAction(i, 1, 'down')}
                      >
                        下へ<span className="visually-hidden">（{n}行目）</span>
                      </button>
                      <button
                        type="button"
                        className="button button--tertiary button--small plan-row-tools__remove"
                        disabled={draft.actions.length === 1}
                        onClick={() => removeAction(i)}
                      >
                        削除<span className="visually-hidden">（{n}行目）</span>
                      </button>
                    </div>
                  </div>
                  <div className="plan-action-row__fields">
                    <div className={`plan-action-row__content${err('content') ? ' field--error' : ''}`}>
                      <label htmlFor={fid('content')} className="field__label">
                        内容<span className="visually-hidden">（{n}行目）</span>
                      </label>
                      {err('content') && <p className="field__error">{err('content')}</p>}
                      <textarea
                        id={fid('content')}
                        className="input input--full textarea"
                        rows={2}
                        value={a.content}
                        onChange={(e) => setAction(i, { content: e.target.value })}
                        aria-invalid={err('content') ? true : undefined}
                      />
                    </div>
                    <div className={`plan-action-row__agency${err('agencyId') ? ' field--error' : ''}`}>
                      <label htmlFor={fid('agency')} className="field__label">
                        担当機関<span className="visually-hidden">（{n}行目）</span>
                      </label>
                      {err('agencyId') && <p className="field__error">{err('agencyId')}</p>}
                      <select
                        id={fid('agency')}
                        className="select input--full"
                        value={a.agencyId}
                        onChange={(e) => setAction(i, { agencyId: e.target.value })}
                        aria-invalid={err('agencyId') ? true : undefined}
                      >
                        <option value="">選んでください</option>
                        {optionsFor(a.agencyId).map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </div>
                    {(['staffName', 'frequency', 'period'] as const).map((f) => (
                      <div key={f} className={`plan-action-row__small${err(f) ? ' field--error' : ''}`}>
                        <label htmlFor={fid(f)} className="field__label">
                          {{ staffName: '担当者', frequency: '頻度', period: '期間' }[f]}
                          <span className="visually-hidden">（{n}行目）</span>
                        </label>
                        {err(f) && <p className="field__error">{err(f)}</p>}
                        <input
                          id={fid(f)}
                          className="input input--full"
                          value={a[f]}
                          placeholder={{ staffName: '例：山田', frequency: '例：週1回', period: '例：6か月' }[f]}
                          onChange={(e) => setAction(i, { [f]: e.target.value })}
                        />
                      </div>
                    ))}
                  </div>
                </li>
              );
            })}
          </ol>
          <p>
            <button type="button" id="plan-action-add" className="button button--secondary button--small" disabled={draft.actions.length >= MAX_ACTIONS} onClick={addAction}>
              ＋ 行を追加
            </button>
          </p>
        </section>

        <section className="form-section" aria-labelledby="plan-consent-title">
          <h2 id="plan-consent-title" className="form-section__title">
            主担当・本人の同意・次回評価日
          </h2>
          <SelectField
            id="plan-lead"
            label="主担当機関"
            required
            width="long"
            value={draft.leadAgencyId}
            onChange={(v) => update({ leadAgencyId: v })}
            placeholder="選んでください"
            options={optionsFor(draft.leadAgencyId)}
            error={inline(shown, 'leadAgencyId')}
          />
          <p className="form__note plan-form__consent-note">
            案のあいだは空欄のままで保存できます。承認を記録するには、本人の同意（日付と方法）と次回評価日が必要です。
          </p>
          <DateField
            id="plan-consent-on"
            label="本人の同意の日付"
            value={draft.consentOn}
            onChange={(v) => update({ consentOn: v })}
            error={inline(shown, 'consentOn')}
          />
          <RadioGroup
            id="plan-consent-method"
            legend="本人の同意の方法"
            value={draft.consentMethod}
            onChange={(v) => update({ consentMethod: v })}
            options={[...CONSENT_METHODS.map((m) => ({ value: m, label: m === '書面' ? '書面（プランシートに署名）' : '口頭' })), { value: '', label: 'まだ確認していない' }]}
            error={inline(shown, 'consentMethod')}
          />
          <DateField
            id="plan-next-review"
            label="次回評価日"
            hint="目標の達成状況をチームで確かめる日。西暦・和暦どちらでも（例：2026-07-01、令和8年7月1日）"
            value={draft.nextReviewOn}
            onChange={(v) => update({ nextReviewOn: v })}
            error={inline(shown, 'nextReviewOn')}
          />
        </section>

        <TextField
          id="plan-change-note"
          label={editing ? '変更の内容（メモ）' : '作成のメモ'}
          hint="任意。版の履歴に残ります（例：地域包括の役割を追加、会議での意見を反映）。"
          width="full"
          value={draft.changeNote}
          onChange={(v) => update({ changeNote: v })}
          error={inline(shown, 'changeNote')}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy || Boolean(conflict)}>
            {busy ? '保存しています…' : editing ? '案を保存する' : '案を作成する'}
          </button>
          <Link to={`/cases/${d.id}/plans${planId ? `?plan=${planId}` : ''}`} className="button button--tertiary">
            保存せずに戻る
          </Link>
        </div>
      </form>
    </>
  );
}
