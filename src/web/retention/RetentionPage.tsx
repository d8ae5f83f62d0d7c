import { useState, type FormEvent } from 'react';
import type { RetentionPreview, RetentionRunResult } from '../../retention/schema.ts';
import { formatDate, formatDateTime } from '../../shared/dates.ts';
import { RETENTION_PERIODS, RETENTION_RULE, type RetentionKind } from '../../shared/retention.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextField, type FormErrors } from '../components/forms.tsx';
import { ConfirmAction, LoadError, Loading, Notice } from '../components/ui.tsx';
import { can } from '../lib/access.ts';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { Settings } from '../lib/types.ts';

/**
 * 保存期間: the periods per record type (the administrator edits them), what
 * the next run would anonymise or delete (counts, and record numbers and
 * dates without names), the last run and the administrator's 今すぐ実行.
 */

type PeriodKey = (typeof RETENTION_PERIODS)[number]['key'];
type Form = Record<PeriodKey, string> & { retentionAutoRun: boolean };

const ACTION_LABEL = { anonymize: '匿名化', delete: '削除' } as const;

function periodOf(kind: RetentionKind) {
  return RETENTION_PERIODS.find((p) => p.kind === kind)!;
}

function toForm(s: Settings): Form {
  const form = { retentionAutoRun: s.retentionAutoRun } as Form;
  for (const p of RETENTION_PERIODS) form[p.key] = String(s[p.key]);
  return form;
}

/** The periods as the 事務局 sees them (only the administrator changes them). */
function PeriodsList({ settings }: { settings: Settings }) {
  return (
    <dl className="retention-periods">
      {RETENTION_PERIODS.map((p) => (
        <div key={p.key} className="retention-periods__row">
          <dt className="retention-periods__label">
            {p.label}：<strong>{settings[p.key]}年</strong>（起算：{p.countsFrom}）
          </dt>
          <dd className="retention-periods__hint">{p.hint}</dd>
        </div>
      ))}
      <div className="retention-periods__row">
        <dt className="retention-periods__label">毎日の自動実行：{settings.retentionAutoRun ? 'する' : 'しない'}</dt>
      </div>
    </dl>
  );
}

function PeriodsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const [form, setForm] = useState<Form>(toForm(settings));
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const problems: Record<string, string> = {};
    const body: Partial<Settings> = { retentionAutoRun: form.retentionAutoRun };
    for (const p of RETENTION_PERIODS) {
      const raw = form[p.key].normalize('NFKC').trim();
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < p.min || value > p.max) problems[p.key] = `${p.label}：${p.min}から${p.max}までの整数（年）で入力してください`;
      else body[p.key] = value;
    }
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const next = await api.patch<Settings>('/api/v1/municipality/settings', body);
      setErrors(null);
      setForm(toForm(next));
      setSaved(true);
      onSaved(next);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <ErrorSummary errors={errors} idFor={(f) => `retention-${f}`} />
      {saved && (
        <Notice tone="success" focus>
          <p>保存期間を保存しました。次回の実行から新しい期間で判断します。</p>
        </Notice>
      )}
      {RETENTION_PERIODS.map((p) => (
        <TextField
          key={p.key}
          id={`retention-${p.key}`}
          label={`${p.label}（起算：${p.countsFrom}）`}
          hint={`${p.hint}（${p.min}〜${p.max}年、標準${p.defaultYears}年）`}
          inputMode="numeric"
          width="short"
          suffix="年"
          value={form[p.key]}
          onChange={(value) => setForm((f) => ({ ...f, [p.key]: value }))}
          error={fieldError(errors, p.key)}
        />
      ))}
      <Checkbox
        id="retention-retentionAutoRun"
        label="保存期間を過ぎた個人情報を毎日自動で匿名化する"
        hint="監査や訴訟などで記録を残す必要があるときは、外しておくと自動の実行が止まります（手動の実行はできます）。"
        checked={form.retentionAutoRun}
        onChange={(retentionAutoRun) => setForm((f) => ({ ...f, retentionAutoRun }))}
        error={fieldError(errors, 'retentionAutoRun')}
      />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : '保存期間を保存する'}
        </button>
      </div>
    </form>
  );
}

function Preview({ preview }: { preview: RetentionPreview }) {
  const total = preview.types.reduce((n, t) => n + t.count, 0);
  return (
    <>
      <p>
        {formatDate(preview.today)}に実行した場合の件数です。
        {total === 0 ? '保存期間を過ぎた記録はありません。' : `合計${total.toLocaleString('ja-JP')}件が匿名化または削除されます。`}
      </p>
      <div className="table-wrap">
        <table className="table retention-table">
          <caption className="visually-hidden">次回の実行で匿名化・削除される記録の件数</caption>
          <thead>
            <tr>
              <th scope="col">記録の種類</th>
              <th scope="col">保存期間</th>
              <th scope="col">対象</th>
              <th scope="col">扱い</th>
              <th scope="col" className="table__num">
                件数
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.types.map((t) => {
              const period = t.period ? preview.periods.find((p) => p.kind === t.period) : null;
              const def = t.period ? periodOf(t.period) : null;
              return (
                <tr key={t.type}>
                  <th scope="row">{t.label}</th>
                  <td data-label="保存期間">{period ? `${period.years}年` : '本人のすべての記録による'}</td>
                  <td data-label="対象">
                    {def && !def.available ? (
                      <span className="muted">記録はまだありません</span>
                    ) : period && def ? (
                      <>
                        {t.countsFrom ?? def.countsFrom}が{formatDate(period.cutoff)}より前
                      </>
                    ) : (
                      <>すべての記録が期間を過ぎたもの（最終記録が{formatDate(preview.identityCutoff)}より前）</>
                    )}
                  </td>
                  <td className="retention-table__action" data-label="扱い">
                    {ACTION_LABEL[t.action]}
                  </td>
                  <td className="table__num" data-label="件数">
                    {t.count.toLocaleString('ja-JP')}件
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {preview.types
        .filter((t) => t.items.length > 0)
        .map((t) => (
          <details key={t.type} className="retention-list">
            <summary>
              {t.label}の一覧（{t.count.toLocaleString('ja-JP')}件{t.truncated ? `、先頭${t.items.length}件を表示` : ''}）
            </summary>
            <div className="table-wrap">
              <table className="table table--compact">
                <thead>
                  <tr>
                    <th scope="col">番号</th>
                    <th scope="col">日付</th>
                    <th scope="col">内容</th>
                  </tr>
                </thead>
                <tbody>
                  {t.items.map((i) => (
                    <tr key={i.ref}>
                      <td className="retention-list__ref">{i.ref}</td>
                      <td>{i.date ? formatDate(i.date) : '—'}</td>
                      <td>{i.detail ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        ))}
    </>
  );
}

function LastRun({ run }: { run: RetentionPreview['lastRun'] }) {
  if (!run) return <p className="muted">まだ実行されていません。</p>;
  const total = Object.values(run.counts).reduce((n, c) => n + c, 0);
  return (
    <p>
      {formatDateTime(run.ranAt)}（{run.trigger === 'job' ? '毎日の自動実行' : `${run.actorName ?? '管理者'}が実行`}）：
      {total.toLocaleString('ja-JP')}件を匿名化・削除しました。
    </p>
  );
}

export function RetentionPage() {
  const user = useUser();
  const preview = useApiData<RetentionPreview>('/api/v1/retention');
  const municipality = useApiData<{ settings: Settings }>('/api/v1/municipality');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RetentionRunResult | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const admin = can(user.role, 'retention.run');

  const runNow = async () => {
    setRunning(true);
    setRunError(null);
    setResult(null);
    try {
      setResult(await api.post<RetentionRunResult>('/api/v1/retention/run', { confirm: true }));
      preview.reload();
    } catch (error) {
      setRunError(formErrorsFrom(error).message ?? '実行できませんでした。');
    } finally {
      setRunning(false);
    }
  };

  const labels = new Map(preview.data?.types.map((t) => [t.type, t.label]) ?? []);

  return (
    <>
      <PageHeader
        title="保存期間"
        lead="保存期間を過ぎた個人情報を、件数を残したまま匿名化します。年度ごとの件数（相談受付件数・終結件数・延べ対応回数など）は変わりません。"
      />
      <Notice tone="info" title="残す記録と消す記録">
        <p>{RETENTION_RULE}</p>
      </Notice>
      {preview.error && <LoadError error={preview.error} onRetry={preview.reload} />}
      {!preview.data && !preview.error && <Loading />}
      {result && (
        <Notice tone="success" title="匿名化を実行しました" focus>
          <ul className="retention-result">
            {Object.entries(result.counts)
              .filter(([, n]) => n > 0)
              .map(([type, n]) => (
                <li key={type}>
                  {labels.get(type as never) ?? type}：{n.toLocaleString('ja-JP')}件
                </li>
              ))}
          </ul>
          {Object.values(result.counts).every((n) => n === 0) && <p>対象の記録はありませんでした。</p>}
        </Notice>
      )}
      {runError && (
        <Notice tone="error" title="実行できませんでした" focus>
          <p>{runError}</p>
        </Notice>
      )}
      {preview.data && (
        <div className="retention-layout">
          <section className="panel panel--wide" aria-labelledby="retention-next">
            <h2 id="retention-next" className="panel__title">
              次回の実行で匿名化・削除される記録
            </h2>
            <Preview preview={preview.data} />
            <h3 className="retention-subtitle">前回の実行</h3>
            <LastRun run={preview.data.lastRun} />
            <p className="muted">
              {preview.data.autoRun ? '毎日1回、自動で実行します。' : '自動の実行は止まっています。'}
              実行のたびに、種類ごとの件数を監査ログに記録します。監査ログ自体は、監査ログの保存年数に従います。
            </p>
            {admin && (
              <ConfirmAction
                label="今すぐ実行する"
                question="上の一覧の記録を匿名化し、同意書のスキャンとお知らせを削除します。元に戻せません。実行しますか？"
                confirmLabel="匿名化を実行する"
                tone="danger"
                busy={running}
                onConfirm={() => void runNow()}
              />
            )}
          </section>
          <section className="panel" aria-labelledby="retention-periods">
            <h2 id="retention-periods" className="panel__title">
              保存期間の設定
            </h2>
            <p className="muted">
              多くの自治体の文書管理規程にならい、期間は記録が終わった年度の翌年度の4月1日から数えます。
              {admin ? '' : '変更できるのは管理者だけです。'}
            </p>
            {municipality.error && <LoadError error={municipality.error} onRetry={municipality.reload} />}
            {municipality.data && !admin && <PeriodsList settings={municipality.data.settings} />}
            {municipality.data && admin && (
              <PeriodsForm
                settings={municipality.data.settings}
                onSaved={(settings) => {
                  municipality.setData({ ...municipality.data!, settings });
                  preview.reload();
                }}
              />
            )}
          </section>
        </div>
      )}
    </>
  );
}
