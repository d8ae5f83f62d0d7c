import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { todayJst } from '../../shared/date-input.ts';
import { CheckboxGroup, clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, DateTime, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { ConsentView, PersonDetail } from '../lib/types.ts';
import { useAgencyOptions } from '../users/agencyOptions.ts';
import { readBirthDate } from './birthDate.ts';
import { useTaxonomy } from '../lib/taxonomy.ts';
import { METHOD_OPTIONS, SCOPE_OPTIONS } from './consent.tsx';

const MAX_BYTES = 5 * 1024 * 1024;
const DECISIONS = [
  { value: 'granted', label: '同意する' },
  { value: 'refused', label: '同意しない（拒否）' },
];

function stateOf(c: ConsentView): { label: string; tone: 'success' | 'error' | 'warning' } {
  if (c.withdrawnOn) return { label: '撤回', tone: 'warning' };
  return c.decision === 'granted' ? { label: '同意あり', tone: 'success' } : { label: '同意しない', tone: 'error' };
}

function scopeText(c: ConsentView): string {
  if (c.decision !== 'granted') return '—';
  return c.scopeKind === 'all' ? '事業のすべての機関' : c.agencies.map((a) => a.name).join('、');
}

/** 同意を記録: a new version for one purpose (a refusal is recorded as a refusal). */
function RecordForm({ personId, onSaved, onCancel }: { personId: string; onSaved: (items: ConsentView[]) => void; onCancel: () => void }) {
  const agencies = useAgencyOptions();
  const taxonomy = useTaxonomy();
  const [purpose, setPurpose] = useState<string>('agency_sharing');
  const [decision, setDecision] = useState('granted');
  const [scopeKind, setScopeKind] = useState('all');
  const [agencyIds, setAgencyIds] = useState<string[]>([]);
  const [consentedOn, setConsentedOn] = useState(todayJst());
  const [method, setMethod] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const err = (f: string) => fieldError(errors, f);
  const date = readBirthDate(consentedOn);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!method) problems.method = '方法を選んでください';
    if (!consentedOn.trim()) problems.consentedOn = '同意（確認）日を入力してください';
    else if (!date.iso) problems.consentedOn = '同意（確認）日：日付として読み取れません（例：2026-04-01、令和8年4月1日）';
    if (decision === 'granted' && scopeKind === 'listed' && agencyIds.length === 0) problems.agencyIds = '情報提供先の機関を1つ以上選んでください';
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      return;
    }
    setBusy(true);
    try {
      const result = await api.post<{ items: ConsentView[] }>('/api/v1/consents', {
        personId,
        purpose,
        decision,
        scopeKind: decision === 'granted' ? scopeKind : 'all',
        agencyIds: decision === 'granted' && scopeKind === 'listed' ? agencyIds : [],
        consentedOn: date.iso,
        method,
        note: note.trim() || null,
      });
      onSaved(result.items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  const idFor = (f: string) => {
    if (['purpose', 'decision', 'scopeKind', 'method', 'agencyIds'].includes(f)) return `consent-${f}-0`;
    return `consent-${f}`;
  };

  return (
    <form onSubmit={submit} noValidate className="form inline-form" aria-label="同意の記録">
      <h3 className="inline-form__title">同意を記録する</h3>
      <ErrorSummary errors={errors} idFor={idFor} />
      <RadioGroup id="consent-purpose" legend="目的" inline={false} options={taxonomy.purposeOptions} value={purpose} onChange={setPurpose} error={err('purpose')} />
      <RadioGroup id="consent-decision" legend="本人の意思" options={DECISIONS} value={decision} onChange={setDecision} error={err('decision')} />
      {decision === 'granted' && (
        <>
          <RadioGroup id="consent-scopeKind" legend="範囲" inline={false} options={SCOPE_OPTIONS} value={scopeKind} onChange={setScopeKind} error={err('scopeKind')} />
          {scopeKind === 'listed' && (
            <CheckboxGroup
              id="consent-agencyIds"
              legend="情報提供先の機関"
              hint={agencies.error ?? undefined}
              options={agencies.options}
              values={agencyIds}
              onChange={setAgencyIds}
              error={err('agencyIds')}
              inline={false}
              scroll
            />
          )}
        </>
      )}
      <TextField
        id="consent-consentedOn"
        label={decision === 'granted' ? '同意日' : '確認日'}
        hint="西暦・和暦どちらでも"
        width="medium"
        value={consentedOn}
        onChange={setConsentedOn}
        error={err('consentedOn')}
        after={date.iso ? <p className="date-preview">{formatDate(date.iso)}</p> : null}
      />
      <RadioGroup id="consent-method" legend="方法" options={METHOD_OPTIONS} value={method} onChange={setMethod} error={err('method')} />
      <TextArea id="consent-note" label="備考" rows={2} value={note} onChange={setNote} error={err('note')} />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          記録する
        </button>
        <button type="button" className="button button--tertiary" onClick={onCancel}>
          やめる
        </button>
      </div>
    </form>
  );
}

function WithdrawForm({ consent, onSaved, onCancel }: { consent: ConsentView; onSaved: (items: ConsentView[]) => void; onCancel: () => void }) {
  const [withdrawnOn, setWithdrawnOn] = useState(todayJst());
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const date = readBirthDate(withdrawnOn);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!date.iso) {
      setErrors(clientErrors({ withdrawnOn: '撤回日：日付として読み取れません' }));
      return;
    }
    setBusy(true);
    try {
      const result = await api.post<{ items: ConsentView[] }>(`/api/v1/consents/${consent.id}/withdraw`, { withdrawnOn: date.iso, reason: reason.trim() || null });
      onSaved(result.items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="form inline-form inline-form--warning" aria-label="同意の撤回">
      <h3 className="inline-form__title">{consent.purposeLabel}の同意を撤回する</h3>
      <p>撤回すると、この同意にもとづく他機関の閲覧は直ちにできなくなります。</p>
      <ErrorSummary errors={errors} idFor={(f) => `withdraw-${f}`} />
      <TextField id="withdraw-withdrawnOn" label="撤回日" width="medium" value={withdrawnOn} onChange={setWithdrawnOn} error={fieldError(errors, 'withdrawnOn')} />
      <TextArea id="withdraw-reason" label="撤回の理由・経緯" rows={2} value={reason} onChange={setReason} error={fieldError(errors, 'reason')} />
      <div className="button-row">
        <button type="submit" className="button button--danger" disabled={busy}>
          撤回を記録する
        </button>
        <button type="button" className="button button--tertiary" onClick={onCancel}>
          やめる
        </button>
      </div>
    </form>
  );
}

/** 同意書の添付: a scan of the signed form (PDF・JPEG・PNG, up to 5 MB; the server checks the content). */
function AttachDocument({ consent, onSaved }: { consent: ConsentView; onSaved: (items: ConsentView[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `consent-file-${consent.id}`;
  const upload = async () => {
    const file = input.current?.files?.[0];
    if (!file) {
      setProblem('ファイルを選んでください');
      return;
    }
    if (file.size > MAX_BYTES) {
      setProblem('ファイルが大きすぎます（上限 5MB）');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const result = await api.upload<{ items: ConsentView[] }>(`/api/v1/consents/${consent.id}/document`, file);
      onSaved(result.items);
    } catch (error) {
      const found = formErrorsFrom(error);
      setProblem(Object.values(found.fields)[0] ?? found.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={`attach${problem ? ' field--error' : ''}`}>
      <label htmlFor={id} className="attach__label">
        署名済みの同意書を添付（PDF・JPEG・PNG、5MBまで）
      </label>
      {problem && (
        <p className="field__error" id={`${id}-error`}>
          <span className="visually-hidden">エラー：</span>
          {problem}
        </p>
      )}
      <div className="attach__row">
        <input
          id={id}
          ref={input}
          type="file"
          className="file-input"
          accept="application/pdf,image/jpeg,image/png"
          {...(problem ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {})}
        />
        <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => void upload()}>
          {busy ? '添付しています…' : '添付する'}
        </button>
      </div>
    </div>
  );
}

export function ConsentSection({ person, onChanged }: { person: PersonDetail; onChanged: () => void }) {
  const taxonomy = useTaxonomy();
  const { data, error, reload, setData } = useApiData<{ items: ConsentView[] }>(`/api/v1/persons/${person.id}/consents`);
  const [mode, setMode] = useState<{ kind: 'record' } | { kind: 'withdraw'; consent: ConsentView } | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  const saved = (message: string) => (items: ConsentView[]) => {
    setData({ items });
    setMode(null);
    setFlash(message);
    onChanged();
  };

  const items = data?.items ?? [];
  // The two legal purposes always; the municipality's own when offered or recorded for this person.
  const current = taxonomy.purposes
    .filter((p) => p.builtIn || p.active || items.some((c) => c.purpose === p.code))
    .map((p) => ({ purpose: p.code, label: p.label, consent: items.find((c) => c.purpose === p.code && c.current) ?? null }));

  return (
    <section className="panel panel--wide" aria-labelledby="consent" id="consent-section">
      <h2 id="consent" className="panel__title panel__title--row" tabIndex={-1}>
        同意
        <Link to={`/persons/${person.id}/consent-form`} className="panel__title-link">
          同意書を印刷する
        </Link>
      </h2>
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <ul className="consent-current">
            {current.map(({ purpose, label, consent }) => (
              <li key={purpose} className="consent-current__item">
                <div className="consent-current__head">
                  <h3 className="consent-current__purpose">{label}</h3>
                  {consent ? (
                    <>
                      <Badge tone={stateOf(consent).tone}>{stateOf(consent).label}</Badge>
                      <span className="muted">第{consent.versionNo}版</span>
                    </>
                  ) : (
                    <Badge tone="neutral">未確認</Badge>
                  )}
                  {consent && consent.decision === 'granted' && !consent.withdrawnOn && (
                    <button type="button" className="button button--tertiary button--small consent-current__withdraw" onClick={() => setMode({ kind: 'withdraw', consent })}>
                      撤回を記録する<span className="visually-hidden">（{label}）</span>
                    </button>
                  )}
                </div>
                {consent ? (
                  <dl className="consent-current__facts">
                    {consent.decision === 'granted' && (
                      <div>
                        <dt>範囲</dt>
                        <dd>{scopeText(consent)}</dd>
                      </div>
                    )}
                    <div>
                      <dt>{consent.decision === 'granted' ? '同意日' : '確認日'}</dt>
                      <dd>
                        {formatDate(consent.consentedOn)}・{consent.method}
                        <span className="muted">
                          （確認：{consent.obtainedByAgencyName ?? ''} {consent.obtainedByUserName ?? ''}）
                        </span>
                      </dd>
                    </div>
                    {consent.withdrawnOn && (
                      <div>
                        <dt>撤回日</dt>
                        <dd>
                          {formatDate(consent.withdrawnOn)}
                          {consent.withdrawnReason ? `（${consent.withdrawnReason}）` : ''}
                        </dd>
                      </div>
                    )}
                    {consent.method === '書面' && consent.decision === 'granted' && (
                      <div>
                        <dt>同意書</dt>
                        <dd>
                          {consent.document ? (
                            <a href={`/api/v1/consent-documents/${consent.document.id}`} target="_blank" rel="noopener">
                              {consent.document.filename}
                              <span className="visually-hidden">（新しいタブで開きます）</span>
                            </a>
                          ) : (
                            <AttachDocument consent={consent} onSaved={saved('同意書を添付しました。')} />
                          )}
                        </dd>
                      </div>
                    )}
                  </dl>
                ) : (
                  <p className="muted consent-current__none">まだ記録がありません。本人に説明し、同意するかどうかを確認して記録してください。</p>
                )}
              </li>
            ))}
          </ul>
          {mode?.kind === 'record' && <RecordForm personId={person.id} onSaved={saved('同意を記録しました。')} onCancel={() => setMode(null)} />}
          {mode?.kind === 'withdraw' && <WithdrawForm consent={mode.consent} onSaved={saved('同意の撤回を記録しました。')} onCancel={() => setMode(null)} />}
          {mode === null && (
            <div className="button-row">
              <button type="button" className="button button--secondary" onClick={() => setMode({ kind: 'record' })}>
                同意を記録する
              </button>
            </div>
          )}
          {items.length > 0 && (
            <details className="history-details">
              <summary>同意の履歴（すべての版：{items.length}件）</summary>
              <table className="table table--compact">
                <caption className="visually-hidden">同意の履歴</caption>
                <thead>
                  <tr>
                    <th scope="col">記録日時</th>
                    <th scope="col">目的</th>
                    <th scope="col">版</th>
                    <th scope="col">内容</th>
                    <th scope="col">範囲</th>
                    <th scope="col">記録した人</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr key={c.id}>
                      <td className="nowrap">
                        <DateTime value={c.createdAt} />
                      </td>
                      <td>{c.purposeLabel}</td>
                      <td className="nowrap">第{c.versionNo}版</td>
                      <td>
                        <Badge tone={stateOf(c).tone}>{stateOf(c).label}</Badge>
                        <span className="table__sub">
                          {formatDate(c.consentedOn)}・{c.method}
                          {c.withdrawnOn ? `／撤回 ${formatDate(c.withdrawnOn)}${c.withdrawnReason ? `（${c.withdrawnReason}）` : ''}` : ''}
                        </span>
                        {c.note && <span className="table__sub">{c.note}</span>}
                      </td>
                      <td>{scopeText(c)}</td>
                      <td>
                        {c.obtainedByAgencyName}
                        <span className="table__sub">{c.obtainedByUserName}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </>
      )}
    </section>
  );
}
