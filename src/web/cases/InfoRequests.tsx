import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { todayJst } from '../../shared/date-input.ts';
import { formatDate } from '../../shared/dates.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, DateTime, LoadError, Loading, Multiline, Notice, type BadgeTone } from '../components/ui.tsx';
import { api, type Page } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { CaseDetail, InfoRequestView } from '../lib/types.ts';

/**
 * 情報収集依頼 beside the assessment: what was asked of which team agency,
 * by when, and the answers. The requested agency answers here; the
 * requesting side asks and may cancel.
 */

const STATUS_TONES: Record<InfoRequestView['status'], BadgeTone> = { open: 'info', answered: 'success', cancelled: 'neutral' };

export function InfoRequestStatus({ request }: { request: Pick<InfoRequestView, 'status' | 'statusLabel' | 'overdue'> }) {
  return (
    <span className="badges">
      <Badge tone={STATUS_TONES[request.status]}>{request.statusLabel}</Badge>
      {request.overdue && <Badge tone="error">期限切れ</Badge>}
    </span>
  );
}

function AnswerForm({ request, onDone }: { request: InfoRequestView; onDone: (next: InfoRequestView, message: string) => void }) {
  const [answer, setAnswer] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `ir-answer-${request.id}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!answer.trim()) {
      setErrors(clientErrors({ answer: '回答を入力してください' }));
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const next = await api.post<InfoRequestView>(`/api/v1/info-requests/${request.id}/answer`, { answer: answer.trim(), version: request.version });
      onDone(next, `${request.requestedByAgency.name}への回答を送りました。`);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="info-request__form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorSummary errors={errors} idFor={() => id} />
      <TextArea id={id} label="回答" rows={3} required value={answer} onChange={setAnswer} error={fieldError(errors, 'answer')} hint="依頼元に通知されます。" />
      <button type="submit" className="button button--primary button--small" disabled={busy}>
        回答する
      </button>
    </form>
  );
}

function CancelForm({ request, onDone }: { request: InfoRequestView; onDone: (next: InfoRequestView, message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const id = `ir-cancel-${request.id}`;
  if (!open) {
    return (
      <button type="button" className="link-button info-request__cancel" onClick={() => setOpen(true)}>
        依頼を取り消す
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setErrors(clientErrors({ reason: '取り消す理由を入力してください' }));
      return;
    }
    try {
      const next = await api.post<InfoRequestView>(`/api/v1/info-requests/${request.id}/cancel`, { reason: reason.trim(), version: request.version });
      onDone(next, '情報収集依頼を取り消しました。');
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };
  return (
    <form className="info-request__form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorSummary errors={errors} idFor={() => id} />
      <TextField id={id} label="取り消す理由" required value={reason} onChange={setReason} error={fieldError(errors, 'reason')} />
      <div className="button-row">
        <button type="submit" className="button button--danger button--small">
          取り消す
        </button>
        <button type="button" className="button button--tertiary button--small" onClick={() => setOpen(false)}>
          やめる
        </button>
      </div>
    </form>
  );
}

function RequestItem({ request, onChanged }: { request: InfoRequestView; onChanged: (next: InfoRequestView, message: string) => void }) {
  return (
    <li className={`info-request info-request--${request.status}${request.overdue ? ' info-request--overdue' : ''}`}>
      <div className="info-request__head">
        <span className="info-request__to">{request.toAgency.name}</span>
        <InfoRequestStatus request={request} />
      </div>
      <p className="info-request__meta">
        <span className={`info-request__due${request.overdue ? ' info-request__due--overdue' : ''}`}>回答期限 {formatDate(request.dueOn)}</span>
        <span className="info-request__from">
          依頼 {request.requestedByAgency.name}
          {request.requestedByName ? `｜${request.requestedByName}` : ''}・<DateTime value={request.requestedAt} />
        </span>
      </p>
      <p className="info-request__question">
        <Multiline text={request.question} />
      </p>
      {request.status === 'answered' && (
        <div className="info-request__answer">
          <p className="info-request__answer-head">
            回答 {request.toAgency.name}
            {request.answeredByName ? `｜${request.answeredByName}` : ''}・<DateTime value={request.answeredAt} />
          </p>
          <p className="info-request__answer-text">
            <Multiline text={request.answer ?? ''} />
          </p>
        </div>
      )}
      {request.status === 'cancelled' && (
        <p className="info-request__meta">
          取消（{request.cancelledByName ?? '—'}）：{request.cancelReason}
        </p>
      )}
      {request.canAnswer && <AnswerForm request={request} onDone={onChanged} />}
      {request.canCancel && <CancelForm request={request} onDone={onChanged} />}
    </li>
  );
}

function NewRequestForm({ detail, onCreated }: { detail: CaseDetail; onCreated: (created: InfoRequestView) => void }) {
  const user = useUser();
  const [form, setForm] = useState({ toAgencyId: '', question: '', dueOn: '' });
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const agencies = detail.team.filter((m) => m.userId === null && m.agencyId !== user.agencyId);
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!form.toAgencyId) problems.toAgencyId = '依頼先の機関を選んでください';
    if (!form.question.trim()) problems.question = '知りたいことを入力してください';
    if (!form.dueOn) problems.dueOn = '回答期限を入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const created = await api.post<InfoRequestView>(`/api/v1/cases/${detail.id}/info-requests`, { ...form, question: form.question.trim() });
      setForm({ toAgencyId: '', question: '', dueOn: '' });
      onCreated(created);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  if (!agencies.length) {
    return <p className="muted info-requests__none">依頼できるチームの機関がありません。先に「概要・チーム」で機関をチームに加えてください。</p>;
  }
  return (
    <form className="info-requests__new" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="ir-new-title">
      <h3 id="ir-new-title" className="info-requests__subtitle">
        情報収集を依頼する
      </h3>
      <ErrorSummary errors={errors} idFor={(f) => (f === 'toAgencyId' ? 'ir-to' : f === 'question' ? 'ir-question' : f === 'dueOn' ? 'ir-due' : null)} />
      <SelectField
        id="ir-to"
        label="依頼先（チームの機関）"
        required
        width="full"
        value={form.toAgencyId}
        onChange={set('toAgencyId')}
        placeholder="選んでください"
        options={agencies.map((m) => ({ value: m.agencyId, label: `${m.agencyName}（${m.roleLabel}）` }))}
        error={fieldError(errors, 'toAgencyId')}
      />
      <TextArea id="ir-question" label="知りたいこと" required rows={3} value={form.question} onChange={set('question')} error={fieldError(errors, 'question')} />
      <TextField
        id="ir-due"
        label="回答期限"
        required
        type="date"
        width="medium"
        value={form.dueOn}
        onChange={set('dueOn')}
        error={fieldError(errors, 'dueOn')}
        after={form.dueOn ? <p className="date-preview">{formatDate(form.dueOn)}</p> : null}
      />
      <button type="submit" className="button button--primary button--small" disabled={busy}>
        依頼する
      </button>
    </form>
  );
}

/** The case's requests with their answers, and the form to ask. */
export function InfoRequestsSection({ detail, onCountChanged }: { detail: CaseDetail; onCountChanged?: () => void }) {
  const location = useLocation();
  const { data, error, reload, setData } = useApiData<{ items: InfoRequestView[] }>(`/api/v1/cases/${detail.id}/info-requests`);
  const [flash, setFlash] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);
  const loaded = data !== null;

  useEffect(() => {
    if (loaded && location.hash === '#info-requests') ref.current?.scrollIntoView({ block: 'start' });
  }, [loaded, location.hash]);

  const canRequest = detail.access.edit && detail.status !== 'closed' && detail.status !== 'suspended';
  const replace = (next: InfoRequestView, message: string) => {
    if (data) setData({ items: data.items.map((i) => (i.id === next.id ? next : i)) });
    setFlash(message);
    onCountChanged?.();
  };
  const open = data?.items.filter((i) => i.status === 'open').length ?? 0;
  return (
    <section className="panel info-requests" id="info-requests" ref={ref} aria-labelledby="info-requests-title">
      <div className="panel__title-row">
        <h2 id="info-requests-title" className="panel__title">
          情報収集依頼
        </h2>
        {open > 0 && <span className="info-requests__count">回答待ち {open}件</span>}
      </div>
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {error ? (
        <LoadError error={error} onRetry={reload} />
      ) : !data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <p className="muted">まだ依頼はありません。チームの機関に確認したいことがあれば、下の欄から依頼できます。回答はここに表示されます。</p>
      ) : (
        <ul className="info-request-list">
          {data.items.map((r) => (
            <RequestItem key={r.id} request={r} onChanged={replace} />
          ))}
        </ul>
      )}
      {canRequest && (
        <NewRequestForm
          detail={detail}
          onCreated={(created) => {
            setData({ items: [created, ...(data?.items ?? [])] });
            setFlash(`${created.toAgency.name}に依頼しました（期限：${formatDate(created.dueOn)}）。依頼先に通知しました。`);
            onCountChanged?.();
          }}
        />
      )}
    </section>
  );
}

/** Requests addressed to the user's agency that still wait for an answer (all cases). */
export function MyAgencyRequests({ currentCaseId }: { currentCaseId: string }) {
  const user = useUser();
  const { data, error } = useApiData<Page<InfoRequestView> & { counts: { open: number; overdue: number } }>('/api/v1/info-requests?status=open&limit=10');
  if (error) return null;
  return (
    <section className="panel my-requests" aria-labelledby="my-requests-title">
      <h2 id="my-requests-title" className="panel__title">
        自機関あての依頼
      </h2>
      <p className="my-requests__agency">{user.agencyName}</p>
      {!data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <p className="muted">回答待ちの依頼はありません。</p>
      ) : (
        <>
          <p className="my-requests__counts">
            回答待ち {data.counts.open}件{data.counts.overdue > 0 && <Badge tone="error">期限切れ {data.counts.overdue}件</Badge>}
          </p>
          <ul className="my-requests__list">
            {data.items.map((r) => (
              <li key={r.id}>
                <Link to={`/cases/${r.caseId}/assessment#info-requests`}>
                  {r.caseNo} {r.caseTitle}
                </Link>
                {r.caseId === currentCaseId && <span className="muted">（この事例）</span>}
                <span className={`my-requests__due${r.overdue ? ' my-requests__due--overdue' : ''}`}>
                  期限 {formatDate(r.dueOn)}
                  {r.overdue ? '（期限切れ）' : r.dueOn === todayJst() ? '（今日まで）' : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
