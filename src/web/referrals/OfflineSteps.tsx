import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ANSWER_METHODS, ANSWER_RESULT_LABELS, ANSWER_RESULTS, DELIVERY_METHODS } from '../../shared/referral-delivery.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DateTime } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import type { ReferralView } from '../lib/types.ts';
import { dueLabel } from './status.tsx';

/** Now in Japan time as the datetime-local value 'YYYY-MM-DDTHH:mm'. */
function nowLocal(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 16);
}

const DELIVERY_HINTS: Record<(typeof DELIVERY_METHODS)[number], string> = {
  FAX: '送信票と一緒に送り、送信結果を確認してください',
  郵送: '投函した日時を記録します',
  持参: '窓口で手渡した日時を記録します',
};

const FIELD_IDS: Record<string, string> = {
  method: 'delivery-method',
  deliveredAt: 'delivery-at',
  note: 'delivery-note',
  answeredBy: 'answer-by',
  answeredAt: 'answer-at',
  answerMethod: 'answer-method',
  result: 'answer-result',
  outcome: 'answer-outcome',
};

/**
 * The sender's steps for a referral to an agency that has no accounts in
 * kasane (警察署, 保健所, 児童相談所, 消防署 …): print the 共通様式 sheet, send
 * it by FAX, post or by hand and record that; then record the answer — who
 * answered, when, by what means, and the outcome.
 */
export function OfflineSteps({ referral, onChanged }: { referral: ReferralView; onChanged: (r: ReferralView, message: string) => void }) {
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [method, setMethod] = useState('');
  const [deliveredAt, setDeliveredAt] = useState(nowLocal);
  const [note, setNote] = useState('');
  const [answeredBy, setAnsweredBy] = useState('');
  const [answeredAt, setAnsweredAt] = useState(nowLocal);
  const [answerMethod, setAnswerMethod] = useState('');
  const [result, setResult] = useState('');
  const [outcome, setOutcome] = useState('');

  if (referral.delivery !== 'offline' || referral.status !== 'sent') return null;
  const delivered = referral.delivered;

  const post = async (path: 'delivery' | 'answer', body: Record<string, unknown>, message: string) => {
    setBusy(true);
    setErrors(null);
    try {
      const next = await api.post<ReferralView>(`/api/v1/referrals/${referral.id}/${path}`, body);
      onChanged(next, message);
    } catch (error) {
      const e = formErrorsFrom(error);
      // The server names the answer's method 'method'; on this form it is the answer method box.
      if (path === 'answer' && e?.fields.method) e.fields = { ...e.fields, answerMethod: e.fields.method };
      setErrors(e);
    } finally {
      setBusy(false);
    }
  };

  const submitDelivery = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!method) problems.method = '送付の方法を選んでください';
    if (!deliveredAt) problems.deliveredAt = '送付日時を入力してください';
    if (Object.keys(problems).length) return setErrors(clientErrors(problems));
    void post('delivery', { method, deliveredAt, note: note.trim() || null }, '送付を記録しました。回答が来たら、このページで回答を記録してください。');
  };

  const submitAnswer = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!answeredBy.trim()) problems.answeredBy = '回答者（部署・氏名）を入力してください';
    if (!answeredAt) problems.answeredAt = '回答日時を入力してください';
    if (!answerMethod) problems.answerMethod = '回答の方法を選んでください';
    if (!result) problems.result = '結果を選んでください';
    if (!outcome.trim()) problems.outcome = '回答の内容を入力してください';
    if (Object.keys(problems).length) return setErrors(clientErrors(problems));
    void post(
      'answer',
      { answeredBy: answeredBy.trim(), answeredAt, method: answerMethod, result, outcome: outcome.trim() },
      result === 'accepted' ? '回答を記録しました。つなぎは「完了」になりました。' : '回答を記録しました。つなぎは「差戻し」になりました。',
    );
  };

  return (
    <section className="panel panel--actions" aria-labelledby="referral-offline">
      <h2 id="referral-offline" className="panel__title">
        {delivered ? '回答の記録' : '紙・FAXでの送付'}
      </h2>
      <ErrorSummary errors={errors} idFor={(f) => FIELD_IDS[f] ?? null} />
      <ol className="referral-steps" aria-label="kasane を使っていない機関へのつなぎの手順">
        <li className={delivered ? 'referral-steps__item referral-steps__item--done' : 'referral-steps__item referral-steps__item--current'}>
          <strong>1. つなぎシートを印刷して送る</strong>
          {delivered ? (
            <span>
              {delivered.method}で送付済み（<DateTime value={delivered.at} />）
            </span>
          ) : (
            <span>
              {referral.toAgency.name}は kasane を使っていません。<Link to={`/referrals/${referral.id}/print`}>つなぎシート</Link>
              を印刷し、{dueLabel(referral.dueAt)}に届けてください。
            </span>
          )}
        </li>
        <li className={delivered ? 'referral-steps__item referral-steps__item--current' : 'referral-steps__item'}>
          <strong>2. 回答を記録する</strong>
          <span>電話・FAX・郵送・面談で回答があったら、回答者・日時・方法・結果を記録します。回答を待つ間は期限切れになりません。</span>
        </li>
      </ol>
      {!delivered ? (
        <form onSubmit={submitDelivery} noValidate className="form">
          <RadioGroup
            id="delivery-method"
            legend="送付の方法"
            required
            value={method}
            onChange={setMethod}
            options={DELIVERY_METHODS.map((m) => ({ value: m, label: m, hint: DELIVERY_HINTS[m] }))}
            error={fieldError(errors, 'method')}
          />
          <TextField id="delivery-at" label="送付日時" type="datetime-local" width="medium" required value={deliveredAt} onChange={setDeliveredAt} error={fieldError(errors, 'deliveredAt')} />
          <TextField
            id="delivery-note"
            label="送付先（部署・担当者）"
            hint="任意。例：生活安全課 少年係あて"
            value={note}
            onChange={setNote}
            maxLength={500}
            error={fieldError(errors, 'note')}
          />
          <div className="button-row">
            <Link to={`/referrals/${referral.id}/print`} className="button button--secondary">
              つなぎシートを印刷
            </Link>
            <button type="submit" className="button button--primary" disabled={busy}>
              送付を記録する
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={submitAnswer} noValidate className="form">
          <TextField
            id="answer-by"
            label="回答者（部署・氏名）"
            required
            hint="例：田無警察署 生活安全課 山田さん"
            value={answeredBy}
            onChange={setAnsweredBy}
            maxLength={200}
            error={fieldError(errors, 'answeredBy')}
          />
          <TextField id="answer-at" label="回答日時" type="datetime-local" width="medium" required value={answeredAt} onChange={setAnsweredAt} error={fieldError(errors, 'answeredAt')} />
          <RadioGroup
            id="answer-method"
            legend="回答の方法"
            required
            value={answerMethod}
            onChange={setAnswerMethod}
            options={ANSWER_METHODS.map((m) => ({ value: m, label: m }))}
            error={fieldError(errors, 'answerMethod')}
          />
          <RadioGroup
            id="answer-result"
            legend="結果"
            required
            value={result}
            onChange={setResult}
            options={ANSWER_RESULTS.map((r) => ({
              value: r,
              label: ANSWER_RESULT_LABELS[r],
              hint: r === 'accepted' ? 'つなぎは「完了」になります' : 'つなぎは「差戻し」になります。別のつなぎ先を検討してください',
            }))}
            error={fieldError(errors, 'result')}
          />
          <TextArea
            id="answer-outcome"
            label="回答の内容"
            required
            hint="先方の対応や、次に誰が何をするかを書いてください。"
            rows={3}
            value={outcome}
            onChange={setOutcome}
            error={fieldError(errors, 'outcome')}
          />
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              回答を記録する
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
