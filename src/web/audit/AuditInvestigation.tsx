import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CRITERION_KINDS, CRITERION_LABELS, type CriterionKind } from '../../shared/audit-labels.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DataList, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import type { AuditEventView } from '../lib/types.ts';
import { AuditEventTable } from './AuditEventTable.tsx';

/** Same as the server's REVEAL_REASON_MIN (src/audit/service.ts). */
const REVEAL_REASON_MIN = 20;

interface Revealed {
  seq: number;
  subjectPersonId: string;
  name: string;
  kana: string | null;
  revealedAt: string;
}

/**
 * 本人の氏名の確認: the auditor sees person ids only; for an investigation the
 * name behind one row is shown after a written reason, which is itself
 * recorded in the audit log and notified to the 事務局.
 */
export function RevealPanel({ event, onClose }: { event: AuditEventView; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [event.seq]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < REVEAL_REASON_MIN) {
      setErrors(clientErrors({ reason: `確認する理由：調査の番号や、何を確かめるためかを${REVEAL_REASON_MIN}文字以上で書いてください` }));
      return;
    }
    setBusy(true);
    try {
      setRevealed(await api.post<Revealed>(`/api/v1/audit-events/${event.seq}/reveal`, { reason: reason.trim() }));
      setErrors(null);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="search-panel audit-reveal" aria-labelledby="audit-reveal-title">
      <h2 id="audit-reveal-title" tabIndex={-1} ref={heading}>
        本人の氏名を確認する（記録 {event.seq}番：{event.actionLabel}）
      </h2>
      {revealed ? (
        <>
          <DataList
            rows={[
              { label: '記録', value: `${revealed.seq}番（${event.actionLabel}）` },
              { label: '本人ID', value: <code>{revealed.subjectPersonId}</code> },
              { label: '氏名', value: <span className="table__strong">{revealed.name}</span> },
              { label: 'ふりがな', value: revealed.kana },
            ]}
          />
          <Notice tone="success" title="この確認は監査ログに記録され、事務局に通知されました。" focus>
            <p>表示しているのは、この記録の本人の氏名だけです。閉じると表示は消えます。</p>
          </Notice>
          <div className="button-row">
            <button type="button" className="button button--secondary" onClick={onClose}>
              閉じる
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorSummary errors={errors} idFor={(f) => (f === 'reason' ? 'audit-reveal-reason' : null)} />
          <Notice tone="warning" title="氏名の確認は記録され、事務局に通知されます">
            <ul>
              <li>入力した理由とともに、だれが・いつ・どの記録の本人を確認したかが監査ログに「本人の氏名の確認」として残ります。</li>
              <li>事務局（市の所管課）に、すぐに通知が届きます。</li>
              <li>表示されるのは、この記録の本人の氏名だけです。</li>
            </ul>
          </Notice>
          <TextArea
            id="audit-reveal-reason"
            label="確認する理由"
            required
            hint={`${REVEAL_REASON_MIN}文字以上。例：令和8年度 監査第3号、職員による業務外の閲覧の疑いについて、閲覧された本人を特定するため。`}
            rows={3}
            value={reason}
            onChange={setReason}
            error={fieldError(errors, 'reason')}
          />
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              理由を記録して氏名を表示
            </button>
            <button type="button" className="button button--tertiary" onClick={onClose}>
              やめる
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

const KIND_OPTIONS = CRITERION_KINDS.map((k) => ({ value: k, label: CRITERION_LABELS[k] }));

interface CriteriaResult {
  items: AuditEventView[];
  lookedFor: string[];
  limited: boolean;
}

/**
 * 検索語で探す: "did anyone search for 山田 太郎?" The log keeps only keyed
 * hashes of search criteria; the server hashes the typed term the same way.
 */
export function CriteriaSearch({ onReveal }: { onReveal: (event: AuditEventView) => void }) {
  const [kind, setKind] = useState<CriterionKind | ''>('name');
  const [term, setTerm] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<(CriteriaResult & { term: string; kind: CriterionKind }) | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!kind) problems.kind = '検索語の種類：選んでください';
    if (!term.trim()) problems.term = '検索語：探したい氏名・電話番号などを入力してください';
    const local = clientErrors(problems);
    if (local || !kind) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const found = await api.post<CriteriaResult>('/api/v1/audit-events/criteria-search', { kind, term: term.trim() });
      setResult({ ...found, term: term.trim(), kind });
      setErrors(null);
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="search-panel" aria-labelledby="audit-criteria-title">
      <h2 id="audit-criteria-title">
        検索語で探す
      </h2>
      <p className="form__note">
        監査ログには、職員が本人の検索に使った語そのものは残さず、種類・文字数と照合用の符号だけを残しています。調べたい語を入力すると、同じ語（空白・かなの表記ゆれは区別しません）で検索した記録を探します。氏名は姓・名それぞれでも探します。入力した語は記録されません。
      </p>
      <form onSubmit={submit} noValidate aria-label="検索語で探す">
        <ErrorSummary errors={errors} idFor={(f) => (f === 'kind' || f === 'term' ? `audit-criteria-${f}` : null)} />
        <div className="filter-grid">
          <SelectField
            id="audit-criteria-kind"
            label="検索語の種類"
            options={KIND_OPTIONS}
            width="medium"
            value={kind}
            onChange={(v) => setKind(v as CriterionKind | '')}
            error={fieldError(errors, 'kind')}
          />
          <TextField
            id="audit-criteria-term"
            label="検索語"
            hint="例：山田 太郎、090-1234-5678、1950-04-01"
            width="long"
            autoComplete="off"
            spellCheck={false}
            value={term}
            onChange={setTerm}
            error={fieldError(errors, 'term')}
          />
        </div>
        <div className="button-row">
          <button type="submit" className="button button--secondary" disabled={busy}>
            この語で検索した記録を探す
          </button>
        </div>
      </form>
      {result && (
        <div className="audit-criteria-results" aria-live="polite">
          <p className="table__strong">
            {CRITERION_LABELS[result.kind]}「{result.term}」で検索した記録：{result.items.length}件{result.limited ? '（新しい500件まで表示）' : ''}
          </p>
          {result.items.length > 0 ? (
            <div className="table-wrap">
              <AuditEventTable items={result.items} caption={`「${result.term}」で検索した記録`} onReveal={onReveal} />
            </div>
          ) : (
            <p>この語で検索した記録はありません。</p>
          )}
        </div>
      )}
    </section>
  );
}
