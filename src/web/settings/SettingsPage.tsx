import { useState, type FormEvent } from 'react';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DataList, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useSession } from '../lib/session.tsx';
import type { MunicipalityOverview, Settings } from '../lib/types.ts';
import { SettingsTabs } from './SettingsTabs.tsx';

type NumberKey = 'sessionIdleMinutes' | 'auditRetentionYears' | 'referralAlertBusinessDays' | 'noContactAlertDays' | 'referralStallBusinessDays';

/** Number settings with their range (the server checks the same). */
const NUMBERS: { key: NumberKey; label: string; unit: string; min: number; max: number; hint: string }[] = [
  {
    key: 'sessionIdleMinutes',
    label: '自動ログアウトまでの時間',
    unit: '分',
    min: 5,
    max: 480,
    hint: '操作がないまま、この時間が過ぎるとログアウトします（5〜480分）。',
  },
  {
    key: 'auditRetentionYears',
    label: '監査ログの保存年数',
    unit: '年',
    min: 1,
    max: 30,
    hint: 'この年数を過ぎた監査ログは削除されます（1〜30年）。',
  },
  {
    key: 'referralAlertBusinessDays',
    label: 'つなぎが受理されないときの警告',
    unit: '営業日',
    min: 1,
    max: 30,
    hint: 'つなぎ（紹介）を送ってから、この営業日数が過ぎても受理されないと警告を出します（1〜30営業日）。',
  },
  {
    key: 'referralStallBusinessDays',
    label: '受理したつなぎの対応が止まったときの警告',
    unit: '営業日',
    min: 1,
    max: 60,
    hint: '受理・対応中のつなぎに、この営業日数のあいだ経過の記録も状態の更新もないと警告を出します（1〜60営業日）。',
  },
  {
    key: 'noContactAlertDays',
    label: '本人との接触がないときの警告',
    unit: '日',
    min: 7,
    max: 365,
    hint: '支援中の本人と、この日数のあいだ接触の記録がないと警告を出します（7〜365日）。',
  },
];

type Form = Record<NumberKey, string> & { mfaRequired: boolean; consentFormInformation: string; consentFormNotes: string };

function toForm(s: Settings): Form {
  return {
    sessionIdleMinutes: String(s.sessionIdleMinutes),
    auditRetentionYears: String(s.auditRetentionYears),
    referralAlertBusinessDays: String(s.referralAlertBusinessDays),
    noContactAlertDays: String(s.noContactAlertDays),
    referralStallBusinessDays: String(s.referralStallBusinessDays),
    mfaRequired: s.mfaRequired,
    consentFormInformation: s.consentFormInformation,
    consentFormNotes: s.consentFormNotes,
  };
}

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings) => void }) {
  const { session, update } = useSession();
  const [form, setForm] = useState<Form>(toForm(settings));
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const problems: Record<string, string> = {};
    const body: Partial<Settings> = {
      mfaRequired: form.mfaRequired,
      consentFormInformation: form.consentFormInformation,
      consentFormNotes: form.consentFormNotes,
    };
    for (const n of NUMBERS) {
      const raw = form[n.key].normalize('NFKC').trim();
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < n.min || value > n.max) {
        problems[n.key] = `${n.label}：${n.min}から${n.max}までの整数で入力してください`;
      } else {
        body[n.key] = value;
      }
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
      if (session?.municipality && session.municipality.mfaRequired !== next.mfaRequired) {
        update({ ...session, municipality: { ...session.municipality, mfaRequired: next.mfaRequired } });
      }
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <ErrorSummary errors={errors} idFor={(f) => `setting-${f}`} />
      {saved && (
        <Notice tone="success" focus>
          <p>設定を保存しました。</p>
        </Notice>
      )}
      <section className="form-section" aria-labelledby="settings-security">
        <h2 id="settings-security" className="form-section__title">
          ログインと安全管理
        </h2>
        <Checkbox
          id="setting-mfaRequired"
          label="二要素認証を必須にする"
          hint="必須にすると、二要素認証を設定していない職員は、次回ログイン時に設定を求められます。"
          checked={form.mfaRequired}
          onChange={(mfaRequired) => setForm((f) => ({ ...f, mfaRequired }))}
          error={fieldError(errors, 'mfaRequired')}
        />
        {NUMBERS.slice(0, 2).map((n) => (
          <NumberField key={n.key} def={n} form={form} setForm={setForm} errors={errors} />
        ))}
      </section>
      <section className="form-section" aria-labelledby="settings-alerts">
        <h2 id="settings-alerts" className="form-section__title">
          警告の基準
        </h2>
        {NUMBERS.slice(2).map((n) => (
          <NumberField key={n.key} def={n} form={form} setForm={setForm} errors={errors} />
        ))}
      </section>
      <section className="form-section" aria-labelledby="settings-consent-form">
        <h2 id="settings-consent-form" className="form-section__title">
          同意書の文面
        </h2>
        <TextArea
          id="setting-consentFormInformation"
          label="共有・提供する情報"
          hint="印刷する同意書の「共有・提供する情報」の欄です。空欄のときは標準の文を使います。"
          rows={3}
          value={form.consentFormInformation}
          onChange={(consentFormInformation) => setForm((f) => ({ ...f, consentFormInformation }))}
          error={fieldError(errors, 'consentFormInformation')}
        />
        <TextArea
          id="setting-consentFormNotes"
          label="留意事項（1行に1項目）"
          hint="印刷する同意書の「留意事項」です。1行に1項目を書きます。空欄のときは標準の文を使います。"
          rows={5}
          value={form.consentFormNotes}
          onChange={(consentFormNotes) => setForm((f) => ({ ...f, consentFormNotes }))}
          error={fieldError(errors, 'consentFormNotes')}
        />
      </section>
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : '設定を保存する'}
        </button>
      </div>
    </form>
  );
}

function NumberField({
  def,
  form,
  setForm,
  errors,
}: {
  def: (typeof NUMBERS)[number];
  form: Form;
  setForm: (update: (f: Form) => Form) => void;
  errors: FormErrors | null;
}) {
  return (
    <TextField
        id={`setting-${def.key}`}
        label={`${def.label}（${def.unit}）`}
        hint={def.hint}
        inputMode="numeric"
        width="short"
        value={form[def.key]}
        onChange={(value) => setForm((f) => ({ ...f, [def.key]: value }))}
        error={fieldError(errors, def.key)}
        suffix={def.unit}
      />
  );
}

export function SettingsPage() {
  const { data, error, reload, setData } = useApiData<MunicipalityOverview>('/api/v1/municipality');

  return (
    <>
      <PageHeader title="設定" lead="この自治体で kasane を使うときの設定です。変更はすぐに、すべての職員に反映されます。" />
      <SettingsTabs />
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <div className="settings-layout">
          <SettingsForm settings={data.settings} onSaved={(settings) => setData({ ...data, settings })} />
          <aside className="panel settings-layout__aside" aria-labelledby="municipality-info">
            <h2 id="municipality-info" className="panel__title">
              自治体の情報
            </h2>
            <DataList
              rows={[
                { label: '自治体名', value: data.name },
                { label: '都道府県', value: data.prefecture },
                { label: '団体コード', value: data.code },
                { label: '人口', value: data.population === null ? null : `${data.population.toLocaleString('ja-JP')}人` },
              ]}
            />
          </aside>
        </div>
      )}
    </>
  );
}
