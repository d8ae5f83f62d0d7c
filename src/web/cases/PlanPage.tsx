import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import { ACHIEVEMENTS } from '../../shared/cases.ts';
import { formatDate } from '../../shared/dates.ts';
import { todayJst } from '../../shared/date-input.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, DataList, DateTime, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { CaseDetail, PlanList, PlanVersionSummary, PlanVersionView, PlanView } from '../lib/types.ts';
import { caseCrumbs, CaseHeader } from './CaseFrame.tsx';
import {
  ACHIEVEMENT_TONES,
  approvalGaps,
  COMPARED_ITEMS,
  comparedFromContent,
  type ComparedKey,
  DateField,
  dateOrNull,
  differingKeys,
  ItemValue,
  PlanStatusBadge,
  ReviewDate,
} from './PlanParts.tsx';
import { VersionDiff, VersionList } from './VersionHistory.tsx';
import { EMPTY_BASIS, MeetingDecisionPicker, type DecisionBasis } from './MeetingDecisionPicker.tsx';

/**
 * 支援プラン of a case: the current plan shown like the plan sheet, what the
 * user may do with it (編集, 承認を記録, 評価を記録, 次回評価日を変更, 新しい
 * プランを作成, 印刷), the versions (compare any two) and the status history.
 */

type Pending = 'approve' | 'evaluate' | 'review' | null;

/** The plan as a sheet: goals, direction, the actions table and the facts around them. */
function PlanSheetView({ plan }: { plan: PlanView }) {
  const c = plan.content;
  const evaluation = new Map((plan.evaluation?.goals ?? []).map((g) => [g.key, g]));
  const live = (plan.status === 'approved' || plan.status === 'active') && !plan.supersededByPlanNo;
  const result = (key: string) => {
    const e = evaluation.get(key);
    if (!e) return null;
    return (
      <div className="plan-goal__result">
        <Badge tone={ACHIEVEMENT_TONES[e.achievement] ?? 'neutral'}>{e.achievement}</Badge>
        {e.comment && <span className="plan-goal__comment">{e.comment}</span>}
      </div>
    );
  };
  return (
    <div className="plan-sheet">
      <section className="plan-sheet__block" aria-labelledby="plan-long-title">
        <h3 id="plan-long-title" className="plan-sheet__label">
          長期目標
        </h3>
        <p className="plan-sheet__long">
          <Multiline text={c.longTermGoal} />
        </p>
        {result('long')}
      </section>
      <section className="plan-sheet__block" aria-labelledby="plan-short-title">
        <h3 id="plan-short-title" className="plan-sheet__label">
          短期目標
        </h3>
        <ol className="plan-goals">
          {c.shortTermGoals.map((g, i) => (
            <li key={g.key} className="plan-goal">
              <span className="plan-goal__no" aria-hidden="true">
                {i + 1}
              </span>
              <div className="plan-goal__body">
                <p className="plan-goal__text">{g.text}</p>
                {result(g.key)}
              </div>
            </li>
          ))}
        </ol>
      </section>
      <section className="plan-sheet__block" aria-labelledby="plan-direction-title">
        <h3 id="plan-direction-title" className="plan-sheet__label">
          支援の方向性
        </h3>
        {c.direction ? (
          <p className="plan-sheet__text">
            <Multiline text={c.direction} />
          </p>
        ) : (
          <p className="muted">未記入</p>
        )}
      </section>
      <section className="plan-sheet__block" aria-labelledby="plan-actions-title">
        <h3 id="plan-actions-title" className="plan-sheet__label">
          支援の内容と役割分担
        </h3>
        <div className="table-wrap">
          <table className="table table--compact plan-actions">
            <caption className="visually-hidden">支援の内容と役割分担（{c.actions.length}行）</caption>
            <thead>
              <tr>
                <th scope="col" className="plan-actions__no">
                  No.
                </th>
                <th scope="col">内容</th>
                <th scope="col">担当機関</th>
                <th scope="col">担当者</th>
                <th scope="col">頻度</th>
                <th scope="col">期間</th>
              </tr>
            </thead>
            <tbody>
              {c.actions.map((a, i) => (
                <tr key={i}>
                  <td className="plan-actions__no">{i + 1}</td>
                  <td className="multiline">{a.content}</td>
                  <td className="plan-actions__agency">
                    {a.agencyName}
                    {c.leadAgency?.id === a.agencyId && <span className="table__sub">主担当</span>}
                  </td>
                  <td className="plan-actions__nowrap">{a.staffName || <span className="muted">—</span>}</td>
                  <td className="plan-actions__nowrap">{a.frequency || <span className="muted">—</span>}</td>
                  <td className="plan-actions__nowrap">{a.period || <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <DataList
        rows={[
          { label: '主担当機関', value: c.leadAgency?.name ?? null },
          {
            label: '本人の同意',
            value:
              c.consentOn && c.consentMethod ? (
                [formatDate(c.consentOn), c.consentMethod].join('　')
              ) : (
                <span className="warning-text">未記録{c.consentOn ? `（${formatDate(c.consentOn)}、方法が未記入）` : ''}</span>
              ),
          },
          { label: '次回評価日', value: <ReviewDate date={plan.nextReviewOn} live={live} /> },
          {
            label: '承認',
            value: plan.approval ? (
              <>
                {[formatDate(plan.approval.approvedOn), plan.approval.ref].join('　')}
                {plan.approval.meetingId && (
                  <>
                    {'　'}
                    <Link to={`/meetings/${plan.approval.meetingId}`}>議事録を開く</Link>
                  </>
                )}
                {plan.approval.byUserName && <span className="table__sub">記録：{plan.approval.byUserName}</span>}
              </>
            ) : (
              <span className="muted">未承認（案）</span>
            ),
          },
          ...(plan.startedOn ? [{ label: '実施開始日', value: formatDate(plan.startedOn) }] : []),
        ]}
      />
      {plan.evaluation && (
        <section className="plan-sheet__evaluation" aria-labelledby="plan-evaluation-title">
          <h3 id="plan-evaluation-title" className="plan-sheet__label">
            評価（{plan.evaluation.evaluatedOn ? formatDate(plan.evaluation.evaluatedOn) : ''}
            {plan.evaluation.byUserName ? `・${plan.evaluation.byUserName}` : ''}）
          </h3>
          <p className="plan-sheet__counts">
            {ACHIEVEMENTS.map((a) => {
              const n = plan.evaluation!.goals.filter((g) => g.achievement === a).length;
              return n ? (
                <Badge key={a} tone={ACHIEVEMENT_TONES[a]}>
                  {a} {n}
                </Badge>
              ) : null;
            })}
          </p>
          {plan.evaluation.comment && (
            <p className="plan-sheet__text">
              <Multiline text={plan.evaluation.comment} />
            </p>
          )}
        </section>
      )}
    </div>
  );
}

/** The errors and the busy flag of one of the small plan forms; `send` hands the answered plan to onDone. */
function usePlanAction(onDone: (p: PlanView) => void) {
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (request: () => Promise<PlanView>) => {
    setBusy(true);
    setErrors(null);
    try {
      onDone(await request());
    } catch (e) {
      setErrors(formErrorsFrom(e));
    } finally {
      setBusy(false);
    }
  };
  return { errors, setErrors, busy, send };
}

/** The send button and「やめる」under a small plan form. */
function ActionButtons({ label, busy, onCancel }: { label: string; busy: boolean; onCancel: () => void }) {
  return (
    <div className="button-row">
      <button type="submit" className="button button--primary" disabled={busy}>
        {label}
      </button>
      <button type="button" className="button button--tertiary" onClick={onCancel}>
        やめる
      </button>
    </div>
  );
}

/** 承認を記録: the 重層的支援会議 decision that approved the plan, chosen from the held meetings' decisions (or typed where the rules allow). */
function ApproveForm({ caseId, plan, onDone, onCancel }: { caseId: string; plan: PlanView; onDone: (p: PlanView) => void; onCancel: () => void }) {
  const [basis, setBasis] = useState<DecisionBasis>({ ...EMPTY_BASIS, meetingDate: todayJst() });
  const { errors, setErrors, busy, send } = usePlanAction(onDone);
  const gaps = approvalGaps(plan.content);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = !basis.decisionId;
    setErrors(null);
    await send(() =>
      api.post<PlanView>(
        `/api/v1/cases/${caseId}/plans/${plan.id}/approve`,
        typed
          ? { decisionRef: basis.meetingRef.trim() || null, decidedOn: dateOrNull(basis.meetingDate), meetingId: null, version: plan.version }
          : { decisionId: basis.decisionId, version: plan.version },
      ),
    );
  };
  return (
    <form className="form plan-action-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="plan-approve-title">
      <h3 id="plan-approve-title" className="plan-action-form__title">
        承認を記録する
      </h3>
      <ErrorSummary errors={errors} idFor={(f) => ({ decisionRef: 'decision-meeting', decidedOn: 'decision-meeting-date', decisionId: 'decision-id-0' })[f] ?? null} />
      {gaps.length > 0 ? (
        <Notice tone="warning" title="承認の前に、プランに入力が必要な項目があります">
          <ul>
            {gaps.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
          {plan.can.edit && (
            <p>
              <Link to={`/cases/${caseId}/plans/${plan.id}/edit`}>プランを編集して入力する</Link>
            </p>
          )}
        </Notice>
      ) : (
        <p className="form__note">第{plan.currentVersion}版の内容を承認として記録します。承認後はプランを変更できません（見直すときは新しいプランを作成します）。</p>
      )}
      <MeetingDecisionPicker caseId={caseId} kind="plan_approval" planId={plan.id} value={basis} onChange={setBasis} errors={errors} prefix="" />
      <ActionButtons label="承認を記録する" busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** 評価を記録: 達成 / 一部達成 / 未達成 and a comment for the long-term goal and each short-term goal. */
function EvaluateForm({ caseId, plan, onDone, onCancel }: { caseId: string; plan: PlanView; onDone: (p: PlanView) => void; onCancel: () => void }) {
  const targets = [{ key: 'long', label: '長期目標', text: plan.content.longTermGoal }].concat(
    plan.content.shortTermGoals.map((g, i) => ({ key: g.key, label: `短期目標${i + 1}`, text: g.text })),
  );
  const [values, setValues] = useState<Record<string, { achievement: string; comment: string }>>(() =>
    Object.fromEntries(targets.map((t) => [t.key, { achievement: '', comment: '' }])),
  );
  const [comment, setComment] = useState('');
  const [date, setDate] = useState(todayJst());
  const { errors, setErrors, busy, send } = usePlanAction(onDone);
  const set = (key: string, patch: Partial<{ achievement: string; comment: string }>) =>
    setValues((v) => ({ ...v, [key]: { ...v[key]!, ...patch } }));

  // The API names a goal by its key (goals.g2) or by its place in the list sent (goals.1.achievement).
  const shown: FormErrors | null = errors && {
    ...errors,
    fields: Object.fromEntries(
      Object.entries(errors.fields).map(([k, m]) => {
        const byIndex = /^goals\.(\d+)\./.exec(k);
        const key = byIndex ? targets[Number(byIndex[1])]?.key : /^goals\.(.+)$/.exec(k)?.[1];
        return [key ? `goal-${key}` : k, m];
      }),
    ),
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing: Record<string, string> = {};
    for (const t of targets) if (!values[t.key]?.achievement) missing[`goal-${t.key}`] = `${t.label}：達成・一部達成・未達成から選んでください`;
    if (!date.trim()) missing.evaluatedOn = '評価日を入力してください';
    const problems = clientErrors(missing);
    if (problems) return setErrors(problems);
    await send(() =>
      api.post<PlanView>(`/api/v1/cases/${caseId}/plans/${plan.id}/evaluate`, {
        goals: targets.map((t) => ({ key: t.key, achievement: values[t.key]!.achievement, comment: values[t.key]!.comment.trim() })),
        comment: comment.trim(),
        evaluatedOn: dateOrNull(date),
        version: plan.version,
      }),
    );
  };
  return (
    <form className="form form--wide plan-action-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="plan-evaluate-title">
      <h3 id="plan-evaluate-title" className="plan-action-form__title">
        評価を記録する
      </h3>
      <ErrorSummary
        errors={shown}
        idFor={(f) => (f.startsWith('goal-') ? `${f}-achievement-0` : f === 'evaluatedOn' ? 'evaluate-date' : f === 'comment' ? 'evaluate-comment' : null)}
      />
      <p className="form__note">目標ごとに、チームで確かめた達成の状況を選びます。評価を記録すると、事例を終結できるようになります。</p>
      {targets.map((t) => (
        <div key={t.key} className="plan-evaluate-goal">
          <RadioGroup
            id={`goal-${t.key}-achievement`}
            legend={
              <>
                <span className="plan-evaluate-goal__label">{t.label}</span>
                {t.text}
              </>
            }
            required
            value={values[t.key]!.achievement}
            onChange={(v) => set(t.key, { achievement: v })}
            options={ACHIEVEMENTS.map((a) => ({ value: a, label: a }))}
            error={fieldError(shown, `goal-${t.key}`)}
          />
          <TextArea
            id={`goal-${t.key}-comment`}
            label={`${t.label}のコメント`}
            rows={2}
            value={values[t.key]!.comment}
            onChange={(v) => set(t.key, { comment: v })}
          />
        </div>
      ))}
      <TextArea id="evaluate-comment" label="評価のまとめ" hint="今後の方向（終結・継続・見直し）や、終結後の見守りについても書きます。" rows={3} value={comment} onChange={setComment} error={fieldError(shown, 'comment')} />
      <DateField id="evaluate-date" label="評価日" required value={date} onChange={setDate} error={fieldError(shown, 'evaluatedOn')} />
      <ActionButtons label="評価を記録する" busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** 次回評価日を変更 (with a reason, kept in the history). */
function ReviewDateForm({ caseId, plan, onDone, onCancel }: { caseId: string; plan: PlanView; onDone: (p: PlanView) => void; onCancel: () => void }) {
  const [date, setDate] = useState(plan.nextReviewOn ?? '');
  const [reason, setReason] = useState('');
  const { errors, setErrors, busy, send } = usePlanAction(onDone);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!date.trim()) return setErrors(clientErrors({ nextReviewOn: '次回評価日を入力してください' }));
    await send(() =>
      api.patch<PlanView>(`/api/v1/cases/${caseId}/plans/${plan.id}/review-date`, {
        nextReviewOn: dateOrNull(date),
        reason: reason.trim() || null,
        version: plan.version,
      }),
    );
  };
  return (
    <form className="form plan-action-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="plan-review-title">
      <h3 id="plan-review-title" className="plan-action-form__title">
        次回評価日を変更する
      </h3>
      <ErrorSummary errors={errors} idFor={(f) => ({ nextReviewOn: 'review-date', reason: 'review-reason' })[f] ?? null} />
      <p className="form__note">いまの次回評価日：{plan.nextReviewOn ? formatDate(plan.nextReviewOn) : '未設定'}。変更前と変更後の日付が履歴に残ります。</p>
      <DateField id="review-date" label="新しい次回評価日" required value={date} onChange={setDate} error={fieldError(errors, 'nextReviewOn')} />
      <TextField id="review-reason" label="変更の理由" hint="任意（例：本人の入院のため、会議の日程に合わせる）" width="full" value={reason} onChange={setReason} error={fieldError(errors, 'reason')} />
      <ActionButtons label="変更する" busy={busy} onCancel={onCancel} />
    </form>
  );
}

/** 版の履歴 and 状態の履歴 of one plan. */
function PlanHistory({ caseId, plan, agencyName }: { caseId: string; plan: PlanView; agencyName: (id: string) => string }) {
  const versions: PlanVersionSummary[] = plan.versions;
  const base = `/api/v1/cases/${caseId}/plans/${plan.id}/versions`;
  return (
    <div className="plan-history">
      <VersionList
        versions={versions}
        className="panel"
        titleId="plan-versions-title"
        title={<>版の履歴（第{plan.planNo}回プラン）</>}
        note="比べたい版を2つ選ぶか、「前の版と比べる」で、その版で何が変わったかを見られます。"
        caption="プランの版の一覧（新しい順）"
        idPrefix="plan-version-pick"
        pickable={versions.length > 1}
        firstLabel="作成"
        badges={(_, i) => <> {i === 0 && <Badge tone="info">いまの版</Badge>}</>}
        savedBy={(v) => ({ name: v.byUserName, agency: v.byAgencyName })}
        resetKey={plan.id}
        renderDiff={([before, after], onClose) => (
          <VersionDiff<PlanVersionView, ComparedKey>
            urls={[`${base}/${before}`, `${base}/${after}`]}
            block="plan-diff"
            table="plan-compare"
            items={COMPARED_ITEMS}
            changedKeys={(a, b) => differingKeys(comparedFromContent(a), comparedFromContent(b))}
            columnHead={(v) => (
              <>
                第{v.versionNo}版（<DateTime value={v.savedAt} />）
              </>
            )}
            value={(v, key) => <ItemValue plan={comparedFromContent(v)} itemKey={key} agencyName={agencyName} />}
            changedFlag={<span className="plan-compare__flag">変更</span>}
            hideEmptyTable
            onClose={onClose}
          />
        )}
      />
      <section className="panel" aria-labelledby="plan-events-title">
        <h2 id="plan-events-title" className="panel__title">
          状態の履歴
        </h2>
        <ol className="history">
          {plan.events.map((e) => (
            <li key={e.seq} className="history__item">
              <p className="history__head">
                <strong>{e.label}</strong>
                <DateTime value={e.at} />
              </p>
              <p className="history__who">{[e.byAgencyName, e.byUserName].filter(Boolean).join('　') || '—'}</p>
              {e.note && <p className="history__note multiline">{e.note}</p>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

export function PlanPage() {
  const { id = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const location = useLocation();
  const caseId = encodeURIComponent(id);
  const detail = useApiData<CaseDetail>(`/api/v1/cases/${caseId}`);
  const list = useApiData<PlanList>(`/api/v1/cases/${caseId}/plans`);
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);
  const [pending, setPending] = useState<Pending>(null);

  const d = detail.data;
  const crumbs = d ? caseCrumbs(d) : [{ label: '事例（多機関協働）', to: '/cases' }];
  const error = detail.error ?? list.error;
  if (error) {
    return (
      <>
        <PageHeader title="支援プラン" breadcrumbs={crumbs} />
        <LoadError error={error} onRetry={() => (detail.error ? detail.reload() : list.reload())} />
      </>
    );
  }
  if (!d || !list.data) {
    return (
      <>
        <PageHeader title="支援プラン" breadcrumbs={crumbs} />
        <Loading />
      </>
    );
  }
  const plans = list.data.items;
  const plan = plans.find((p) => p.id === search.get('plan')) ?? plans[0] ?? null;
  const latest = plans[0] ?? null;
  const names = new Map<string, string>();
  for (const m of d.team) names.set(m.agencyId, m.agencyName);
  for (const p of plans) for (const a of p.content.actions) names.set(a.agencyId, a.agencyName);
  const agencyName = (aid: string) => names.get(aid) ?? '（不明な機関）';

  const done = (message: string) => (next: PlanView) => {
    setPending(null);
    setFlash(message.replace('{n}', String(next.planNo)));
    list.setData({ ...list.data!, items: list.data!.items.map((p) => (p.id === next.id ? next : p)) });
    list.reload();
    detail.reload();
  };

  const create = list.data.can;
  const newLink = `/cases/${d.id}/plans/new${latest ? `?from=${latest.id}` : ''}`;

  return (
    <>
      <CaseHeader detail={d} title={`${d.caseNo} 支援プラン`} kicker="事例（多機関協働）" heading={d.title} breadcrumbs={crumbs} />
      <div className="plan-page">
        {flash && (
          <Notice tone="success" focus>
            <p>{flash}</p>
          </Notice>
        )}
        {!plan ? (
          <section className="panel plan-empty" aria-labelledby="plan-empty-title">
            <h2 id="plan-empty-title" className="panel__title">
              支援プランはまだありません
            </h2>
            <p>
              アセスメントをもとに、本人と一緒に目標と支援の内容（どの機関が、何を、どのくらい）を決めます。案を作成し、本人の同意を得て、重層的支援会議で承認されたら支援を始めます。
            </p>
            {create.create ? (
              <Link to={`/cases/${d.id}/plans/new`} className="button button--primary">
                プランを作成する
              </Link>
            ) : (
              create.createBlockedReason && <p className="muted">{create.createBlockedReason}</p>
            )}
          </section>
        ) : (
          <>
            {plans.length > 1 && (
              <nav className="plan-switch" aria-label="プランの切り替え">
                <span className="plan-switch__label">プラン：</span>
                <ul>
                  {plans.map((p) => (
                    <li key={p.id}>
                      <button
                        type="button"
                        className={`plan-switch__item${p.id === plan.id ? ' plan-switch__item--current' : ''}`}
                        aria-current={p.id === plan.id ? 'true' : undefined}
                        onClick={() => {
                          setPending(null);
                          setSearch(p.id === latest?.id ? {} : { plan: p.id });
                        }}
                      >
                        第{p.planNo}回 <span className="plan-switch__status">{p.statusLabel}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            <section className="panel plan-panel" aria-labelledby="plan-title">
              <div className="plan-panel__head">
                <div>
                  <h2 id="plan-title" className="plan-panel__title">
                    第{plan.planNo}回プラン
                  </h2>
                  <p className="plan-panel__meta">
                    <PlanStatusBadge plan={plan} />
                    <span>第{plan.currentVersion}版</span>
                    {plan.versions[0] && (
                      <span>
                        最終更新 <DateTime value={plan.versions[0].savedAt} />
                        {plan.versions[0].byUserName ? `（${plan.versions[0].byUserName}）` : ''}
                      </span>
                    )}
                  </p>
                </div>
                <div className="button-row plan-panel__tools">
                  {plan.can.edit && (
                    <Link to={`/cases/${d.id}/plans/${plan.id}/edit`} className="button button--primary">
                      編集
                    </Link>
                  )}
                  <Link to={`/cases/${d.id}/plans/${plan.id}/print`} className="button button--secondary">
                    印刷
                  </Link>
                </div>
              </div>
              {plan.status === 'draft' && (
                <Notice tone="info" title="案です">
                  <p>
                    本人の同意を得て、重層的支援会議で承認されたら「承認を記録」で記録します。
                    {approvalGaps(plan.content).length > 0 && <>承認には、あと {approvalGaps(plan.content).join('・')} の入力が必要です。</>}
                  </p>
                </Notice>
              )}
              {plan.status === 'approved' && plan.id === latest?.id && d.status === 'planning' && (
                <Notice tone="info" title="承認されました">
                  <p>
                    支援を始めるときは、<Link to={`/cases/${d.id}`}>概要・チーム</Link>で「支援中へ進む」を選んでください。このプランが「実施中」になります。
                  </p>
                </Notice>
              )}
              {plan.can.evaluate && d.status === 'evaluation' && (
                <Notice tone="warning" title="評価の時期です">
                  <p>目標ごとの達成状況を「評価を記録」で記録してください。評価を記録すると、重層的支援会議の決定にもとづいて終結できます。</p>
                </Notice>
              )}
              {plan.supersededByPlanNo && (
                <Notice tone="info" title={`第${plan.supersededByPlanNo}回プランに見直されました`}>
                  <p>このプランは記録として残っています。いまのプランは第{plan.supersededByPlanNo}回プランです。</p>
                </Notice>
              )}
              <PlanSheetView plan={plan} />
              {(plan.can.approve || plan.can.evaluate || plan.can.changeReviewDate || (plan.id === latest?.id && create.create)) && (
                <div className="plan-panel__actions">
                  {pending === null && (
                    <div className="button-row">
                      {plan.can.approve && (
                        <button type="button" className="button button--primary" onClick={() => setPending('approve')}>
                          承認を記録
                        </button>
                      )}
                      {plan.can.evaluate && (
                        <button type="button" className={`button button--${d.status === 'evaluation' ? 'primary' : 'secondary'}`} onClick={() => setPending('evaluate')}>
                          評価を記録
                        </button>
                      )}
                      {plan.can.changeReviewDate && (
                        <button type="button" className="button button--secondary" onClick={() => setPending('review')}>
                          次回評価日を変更
                        </button>
                      )}
                      {plan.id === latest?.id && create.create && (
                        <Link to={newLink} className="button button--secondary">
                          新しいプランを作成
                        </Link>
                      )}
                    </div>
                  )}
                  {pending === 'approve' && (
                    <ApproveForm caseId={d.id} plan={plan} onCancel={() => setPending(null)} onDone={done('第{n}回プランの承認を記録しました。')} />
                  )}
                  {pending === 'evaluate' && (
                    <EvaluateForm caseId={d.id} plan={plan} onCancel={() => setPending(null)} onDone={done('第{n}回プランの評価を記録しました。')} />
                  )}
                  {pending === 'review' && (
                    <ReviewDateForm caseId={d.id} plan={plan} onCancel={() => setPending(null)} onDone={done('次回評価日を変更しました。')} />
                  )}
                </div>
              )}
              {!create.create && plan.id === latest?.id && create.createBlockedReason && plan.status !== 'draft' && create.edit && (
                <p className="form__note plan-panel__note">新しいプランの作成：{create.createBlockedReason}</p>
              )}
            </section>
            <PlanHistory caseId={d.id} plan={plan} agencyName={agencyName} />
          </>
        )}
      </div>
    </>
  );
}
