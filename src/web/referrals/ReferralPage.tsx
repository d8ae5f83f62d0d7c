import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextArea, type FormErrors } from '../components/forms.tsx';
import { DataList, DateTime, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import { formatDate } from '../../shared/dates.ts';
import type { CaseDetail, ReferralView } from '../lib/types.ts';
import { OfflineSteps } from './OfflineSteps.tsx';
import { dueLabel, ReferralStatus } from './status.tsx';

const CRUMBS = [{ label: 'つなぎ', to: '/referrals' }];

type Pending = 'return' | 'complete' | 'progress' | null;

/** The receiving agency's steps: 受理 / 差戻し (reason required) / 対応開始 / 完了. */
function ReceiverActions({ referral, onChanged }: { referral: ReferralView; onChanged: (r: ReferralView, message: string) => void }) {
  const [pending, setPending] = useState<Pending>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: 'accept' | 'return' | 'start' | 'complete' | 'progress', body: Record<string, unknown>, message: string) => {
    setBusy(true);
    setErrors(null);
    try {
      const next = await api.post<ReferralView>(`/api/v1/referrals/${referral.id}/${action}`, body);
      setPending(null);
      setNote('');
      onChanged(next, message);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  const submitPending = (event: FormEvent) => {
    event.preventDefault();
    if (pending === 'return') {
      if (!note.trim()) {
        setErrors(clientErrors({ reason: '差戻しの理由を入力してください' }));
        return;
      }
      void run('return', { reason: note.trim() }, 'つなぎを差し戻しました。送付元に通知しました。');
    } else if (pending === 'progress') {
      if (!note.trim()) {
        setErrors(clientErrors({ note: '経過を入力してください' }));
        return;
      }
      void run('progress', { note: note.trim(), version: referral.version }, '経過を記録しました。送付元に通知しました。');
    } else if (pending === 'complete') {
      void run('complete', { note: note.trim() || null }, 'つなぎを完了にしました。送付元に通知しました。');
    }
  };

  const { status } = referral;
  if (status === 'completed' || status === 'returned') return null;
  return (
    <section className="panel panel--actions" aria-labelledby="referral-actions">
      <h2 id="referral-actions" className="panel__title">
        つなぎ先の対応
      </h2>
      <ErrorSummary errors={errors} idFor={(f) => (f === 'reason' || f === 'note' ? 'referral-note' : null)} />
      {pending === null ? (
        <>
          <p>
            {status === 'sent'
              ? '内容を確認し、受け止められるときは「受理する」を、つなぎ先として適切でないときは理由を添えて「差し戻す」を選んでください。'
              : status === 'accepted'
                ? '受理しました。支援を始めたら「対応を開始する」、対応が終わったら「完了にする」を選んでください。'
                : '対応中です。対応が終わったら、結果を添えて「完了にする」を選んでください。'}
            {referral.progressDueAt && referral.overdueKind !== 'stalled' && (
              <> 次の経過は{dueLabel(referral.progressDueAt)}に記録してください（記録がないと、送付元・推進員・事務局に警告が届きます）。</>
            )}
          </p>
          <div className="button-row">
            {status === 'sent' && (
              <>
                <button type="button" className="button button--primary" disabled={busy} onClick={() => void run('accept', { version: referral.version }, 'つなぎを受理しました。送付元に通知しました。')}>
                  受理する
                </button>
                <button type="button" className="button button--secondary" disabled={busy} onClick={() => setPending('return')}>
                  差し戻す
                </button>
              </>
            )}
            {status === 'accepted' && (
              <button type="button" className="button button--primary" disabled={busy} onClick={() => void run('start', { version: referral.version }, '対応を開始しました。')}>
                対応を開始する
              </button>
            )}
            {(status === 'accepted' || status === 'in_progress') && (
              <>
                <button type="button" className="button button--secondary" disabled={busy} onClick={() => setPending('progress')}>
                  経過を記録する
                </button>
                <button type="button" className={`button button--${status === 'in_progress' ? 'primary' : 'secondary'}`} disabled={busy} onClick={() => setPending('complete')}>
                  完了にする
                </button>
              </>
            )}
          </div>
        </>
      ) : (
        <form onSubmit={submitPending} noValidate className="form">
          <TextArea
            id="referral-note"
            label={pending === 'return' ? '差戻しの理由' : pending === 'progress' ? '経過' : '対応の結果'}
            required={pending === 'return' || pending === 'progress'}
            hint={
              pending === 'return'
                ? '送付元に伝わります。どの機関につなぐとよいかなど、次の行き先がわかるように書いてください。'
                : pending === 'progress'
                  ? '送付元に伝わります（例：本人と面談し、家計の見直しを始めた。次回は来週）。'
                  : '任意。送付元に伝わります（例：介護保険の申請を支援し、ケアマネジャーにつないだ）。'
            }
            rows={3}
            value={note}
            onChange={setNote}
            error={fieldError(errors, 'reason') ?? fieldError(errors, 'note')}
          />
          <div className="button-row">
            <button type="submit" className={`button button--${pending === 'return' ? 'danger' : 'primary'}`} disabled={busy}>
              {pending === 'return' ? '差し戻す' : pending === 'progress' ? '経過を記録する' : '完了にする'}
            </button>
            <button
              type="button"
              className="button button--tertiary"
              onClick={() => {
                setPending(null);
                setErrors(null);
              }}
            >
              やめる
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/** For the coordinators: take up an accepted referral as a 多機関協働 case (or open the one already started). */
function CaseAction({ referral }: { referral: ReferralView }) {
  const user = useUser();
  const navigate = useNavigate();
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  if (referral.case) {
    return (
      <Notice tone="info" title="多機関協働の事例">
        <p>
          このつなぎから事例 <Link to={`/cases/${referral.case.id}`}>{referral.case.caseNo}</Link> を開始しています。
        </p>
      </Notice>
    );
  }
  const receiving = referral.toAgency.id === user.agencyId;
  if (!receiving || user.role !== 'coordinator' || !referral.person) return null;
  if (referral.status !== 'accepted' && referral.status !== 'in_progress') return null;
  const open = async () => {
    setBusy(true);
    setErrors(null);
    try {
      const created = await api.post<CaseDetail>('/api/v1/cases', { origin: 'referral', referralId: referral.id });
      void navigate(`/cases/${created.id}`, {
        state: { flash: `事例 ${created.caseNo} を開始しました。つなぎは「対応中」になり、送付元に通知しました。チームの機関を加えてください。` },
      });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };
  return (
    <section className="panel panel--actions" aria-labelledby="referral-case">
      <h2 id="referral-case" className="panel__title">
        多機関協働
      </h2>
      <ErrorSummary errors={errors} idFor={() => null} />
      <p>複数の機関で支える必要があるときは、このつなぎを多機関協働の事例として開始します。事例番号がつき、チームで支援プランをつくれるようになります。</p>
      <button type="button" className="button button--primary" disabled={busy} onClick={() => void open()}>
        多機関協働の事例として開始する
      </button>
    </section>
  );
}

export function ReferralPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const location = useLocation();
  const { data: r, error, reload, setData } = useApiData<ReferralView>(`/api/v1/referrals/${encodeURIComponent(id)}`);
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);

  if (error) {
    return (
      <>
        <PageHeader title="つなぎの詳細" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!r) {
    return (
      <>
        <PageHeader title="つなぎの詳細" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }
  const receiving = r.toAgency.id === user.agencyId;
  return (
    <>
      <PageHeader
        title={`つなぎ：${r.chiefComplaint}`}
        heading={
          <>
            <span className="heading-kicker">つなぎ（共通様式）</span>
            {r.chiefComplaint}
          </>
        }
        breadcrumbs={[{ label: 'つなぎ', to: receiving ? '/referrals' : '/referrals?box=outbox' }]}
        lead={
          <span className="detail-lead">
            <ReferralStatus status={r.status} overdue={r.overdue} />
            <span>
              {r.fromAgency.name} → {r.toAgency.name}
            </span>
          </span>
        }
        actions={
          <Link to={`/referrals/${r.id}/print`} className="button button--secondary">
            つなぎシートを印刷
          </Link>
        }
      />
      {flash && (
        <Notice tone="success" focus>
          <p>{flash}</p>
        </Notice>
      )}
      {r.overdueKind === 'unanswered' && (
        <Notice tone="error" title="受理期限を過ぎています">
          <p>
            受理期限（{dueLabel(r.dueAt)}）を過ぎても受理・差戻しされていません。
            {receiving ? '内容を確認して、受理または差戻しをしてください。' : 'つなぎ先に連絡して状況を確認してください。'}
          </p>
        </Notice>
      )}
      {r.overdueKind === 'stalled' && r.progressDueAt && (
        <Notice tone="error" title="対応が止まっています">
          <p>
            {r.lastProgressAt ? `最後の経過（${formatDate(new Date(r.lastProgressAt))}）から` : ''}期限（{dueLabel(r.progressDueAt)}）までに、経過の記録も状態の更新もありません。
            {receiving ? '経過を記録するか、対応が終わっていれば完了にしてください。' : 'つなぎ先に連絡して状況を確認してください。'}
          </p>
        </Notice>
      )}
      {r.overdueKind === 'undelivered' && (
        <Notice tone="error" title="紙・FAXでの送付が記録されていません">
          <p>
            {r.toAgency.name}は kasane を使っていないため、つなぎはまだ届いていません。つなぎシートを印刷して送り、送付を記録してください（期限：{dueLabel(r.dueAt)}）。
          </p>
        </Notice>
      )}
      {r.status === 'returned' && r.returnReason && (
        <Notice tone="warning" title="差し戻されました">
          <p className="multiline">{r.returnReason}</p>
        </Notice>
      )}
      {receiving && (
        <ReceiverActions
          referral={r}
          onChanged={(next, message) => {
            setData(next);
            setFlash(message);
          }}
        />
      )}
      <CaseAction referral={r} />
      {!receiving && (
        <OfflineSteps
          referral={r}
          onChanged={(next, message) => {
            setData(next);
            setFlash(message);
          }}
        />
      )}
      {!receiving && r.status === 'sent' && r.delivery === 'online' && (
        <Notice tone="info">
          <p>つなぎ先の受理を待っています。受理期限は{dueLabel(r.dueAt)}です。状態が変わると「お知らせ」で通知されます。</p>
        </Notice>
      )}
      <div className="detail-grid">
        <section className="panel panel--wide" aria-labelledby="referral-form">
          <h2 id="referral-form" className="panel__title">
            共通様式
          </h2>
          <DataList
            rows={[
              { label: '送付元', value: `${r.fromAgency.name}${r.fromUserName ? `｜${r.fromUserName}` : ''}` },
              { label: 'つなぎ先', value: `${r.toAgency.name}${r.toCoordination ? '（多機関協働へのつなぎ）' : ''}` },
              {
                label: '本人',
                value: r.person ? <Link to={`/persons/${r.person.id}`}>{r.person.displayName}</Link> : '本人を特定しないつなぎ',
              },
              { label: '主訴', value: r.chiefComplaint },
              { label: '相談内容', value: <Multiline text={r.content} /> },
              { label: 'つなぐ理由', value: <Multiline text={r.reason} /> },
              { label: '情報共有の同意確認', value: r.consentConfirmed ? '本人の同意を確認済み' : '確認なし（本人を特定しない）' },
              { label: '送付日時', value: <DateTime value={r.sentAt} /> },
              { label: r.delivery === 'offline' ? '送付の期限' : '受理期限', value: dueLabel(r.dueAt) },
              ...(r.progressDueAt ? [{ label: '次の経過の期限', value: dueLabel(r.progressDueAt) }] : []),
              ...(r.delivery === 'offline'
                ? [
                    {
                      label: '送付の方法',
                      value: r.delivered ? (
                        <>
                          {r.delivered.method}（<DateTime value={r.delivered.at} />）
                        </>
                      ) : (
                        '紙・FAXで送付（つなぎ先は kasane を使っていません）。送付は未記録'
                      ),
                    },
                  ]
                : []),
              ...(r.answer
                ? [
                    {
                      label: 'つなぎ先の回答',
                      value: (
                        <>
                          {r.answer.resultLabel}｜{r.answer.by}｜{r.answer.method}｜<DateTime value={r.answer.at} />
                        </>
                      ),
                    },
                  ]
                : []),
              ...(r.completionNote ? [{ label: '対応の結果', value: <Multiline text={r.completionNote} /> }] : []),
              ...(r.consultationId ? [{ label: '元の相談', value: <Link to={`/consultations/${r.consultationId}`}>相談の記録を開く</Link> }] : []),
            ]}
          />
        </section>
        <section className="panel panel--wide" aria-labelledby="referral-history">
          <h2 id="referral-history" className="panel__title">
            経過
          </h2>
          <ol className="history">
            {r.events.map((e, i) => (
              <li key={`${e.status}-${i}`} className="history__item">
                <p className="history__head">
                  <ReferralStatus status={e.status} />
                  <DateTime value={e.at} />
                </p>
                <p className="history__who">
                  {e.byAgencyName ?? '—'}
                  {e.byUserName ? `｜${e.byUserName}` : ''}
                </p>
                {e.note && <p className="history__note multiline">{e.note}</p>}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <p className="back-link">
        <Link to={receiving ? '/referrals' : '/referrals?box=outbox'}>つなぎの一覧へ戻る</Link>
      </p>
    </>
  );
}
