import { useState, type FormEvent } from 'react';
import type { TaxonomyView, TermKind, TermView } from '../../municipalities/taxonomy.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, LoadError, Loading, Notice, Tags } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { SettingsTabs } from './SettingsTabs.tsx';

const KIND_WORDS: Record<TermKind, { noun: string; example: string }> = {
  issue: { noun: '課題', example: '例：ごみ屋敷、多頭飼育' },
  consent_purpose: { noun: '同意の目的', example: '例：就労支援事業所への情報提供' },
};

/**
 * The municipality's own 課題 and consent purposes, added to the national
 * lists. A term is never deleted: stopped, it is no longer offered for new
 * records and old records keep showing it.
 */
export function TaxonomyPage() {
  const { data, error, reload } = useApiData<TaxonomyView>('/api/v1/municipality/taxonomy');
  const [flash, setFlash] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const change = async (term: TermView, body: Record<string, unknown>, done: string) => {
    setBusy(term.id);
    setFlash(null);
    setFailure(null);
    try {
      await api.patch(`/api/v1/municipality/taxonomy/${term.id}`, { ...body, version: term.version });
      setFlash(done);
    } catch (e) {
      setFailure(formErrorsFrom(e).message);
    } finally {
      setBusy(null);
      reload();
    }
  };

  return (
    <>
      <PageHeader
        title="設定"
        lead="相談受付で選ぶ課題と、記録する同意の目的に、この自治体の項目を加えます。国の様式にある標準の項目は変えられません。"
      />
      <SettingsTabs />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {failure && (
        <Notice tone="error">
          <p>{failure}</p>
        </Notice>
      )}
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <TermSection
            kind="issue"
            title="課題"
            lead="相談受付の「課題」に、標準の課題に続けて（「その他」の前に）表示します。利用停止にすると新しい相談では選べなくなり、記録済みの相談にはそのまま表示されます。課題の名称は、記録済みの相談が持つため変更できません。"
            terms={data.issues}
            busy={busy}
            onChange={change}
            onCreated={(t) => {
              setFlash(`課題「${t.label}」を追加しました。相談受付で選べます。`);
              reload();
            }}
          />
          <TermSection
            kind="consent_purpose"
            title="同意の目的"
            lead="本人の同意を記録するときの目的に加えます。閲覧の範囲を決めるのは標準の「関係機関への情報提供」と「重層的支援会議での情報共有」だけで、追加した目的は記録と表示のためのものです。"
            terms={data.consentPurposes}
            busy={busy}
            onChange={change}
            onCreated={(t) => {
              setFlash(`同意の目的「${t.label}」を追加しました。`);
              reload();
            }}
          />
        </>
      )}
    </>
  );
}

function TermSection({
  kind,
  title,
  lead,
  terms,
  busy,
  onChange,
  onCreated,
}: {
  kind: TermKind;
  title: string;
  lead: string;
  terms: TermView[];
  busy: string | null;
  onChange: (term: TermView, body: Record<string, unknown>, done: string) => void;
  onCreated: (term: TermView) => void;
}) {
  const builtIn = terms.filter((t) => t.builtIn);
  const own = terms.filter((t) => !t.builtIn);
  const headingId = `taxonomy-${kind}`;
  return (
    <section className="section taxonomy-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p className="section__lead">{lead}</p>
      <h3>標準の{title}（{builtIn.length}件）</h3>
      <Tags values={builtIn.map((t) => t.label)} />
      <h3>この自治体で追加した{title}</h3>
      {own.length === 0 ? (
        <p className="muted">まだありません。</p>
      ) : (
        <ul className="term-list" aria-label={`追加した${title}（表示順）`}>
          {own.map((t, i) => (
            <TermRow key={t.id} kind={kind} term={t} first={i === 0} last={i === own.length - 1} busy={busy === t.id} onChange={onChange} />
          ))}
        </ul>
      )}
      <NewTermForm kind={kind} onCreated={onCreated} />
    </section>
  );
}

function TermRow({
  kind,
  term: t,
  first,
  last,
  busy,
  onChange,
}: {
  kind: TermKind;
  term: TermView;
  first: boolean;
  last: boolean;
  busy: boolean;
  onChange: (term: TermView, body: Record<string, unknown>, done: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(t.label);
  const noun = KIND_WORDS[kind].noun;
  if (editing) {
    return (
      <li className="term-list__item">
        <form
          className="term-list__edit"
          aria-label={`${t.label}の名称を変える`}
          onSubmit={(e) => {
            e.preventDefault();
            setEditing(false);
            onChange(t, { label: label.trim() }, `「${label.trim()}」に変更しました。記録済みの同意にも新しい名称で表示されます。`);
          }}
        >
          <TextField id={`term-label-${t.id}`} label="名称" width="long" value={label} onChange={setLabel} />
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy || !label.trim()}>
              保存する
            </button>
            <button type="button" className="button button--tertiary" onClick={() => setEditing(false)}>
              やめる
            </button>
          </div>
        </form>
      </li>
    );
  }
  return (
    <li className="term-list__item">
      <span className="term-list__name">{t.label}</span>
      <span className="term-list__meta">{t.active ? <Badge tone="success">利用中</Badge> : <Badge tone="neutral">利用停止</Badge>}</span>
      <div className="button-row">
        <button type="button" className="button button--secondary button--small" disabled={busy || first} onClick={() => onChange(t, { move: 'up' }, `「${t.label}」を上へ移しました。`)}>
          上へ<span className="visually-hidden">（{t.label}）</span>
        </button>
        <button type="button" className="button button--secondary button--small" disabled={busy || last} onClick={() => onChange(t, { move: 'down' }, `「${t.label}」を下へ移しました。`)}>
          下へ<span className="visually-hidden">（{t.label}）</span>
        </button>
        {kind === 'consent_purpose' && (
          <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => setEditing(true)}>
            名称を変える<span className="visually-hidden">（{t.label}）</span>
          </button>
        )}
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={busy}
          onClick={() =>
            onChange(
              t,
              { active: !t.active },
              t.active ? `${noun}「${t.label}」を利用停止にしました。記録済みのものにはそのまま表示されます。` : `${noun}「${t.label}」の利用を再開しました。`,
            )
          }
        >
          {t.active ? '利用停止にする' : '利用を再開する'}
          <span className="visually-hidden">（{t.label}）</span>
        </button>
      </div>
    </li>
  );
}

function NewTermForm({ kind, onCreated }: { kind: TermKind; onCreated: (term: TermView) => void }) {
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const words = KIND_WORDS[kind];
  const prefix = `new-${kind}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = clientErrors(label.trim() ? {} : { label: '名称：入力してください' });
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<TermView>('/api/v1/municipality/taxonomy', { kind, label: label.trim() });
      setErrors(null);
      setLabel('');
      onCreated(created);
    } catch (e) {
      setErrors(formErrorsFrom(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form">
      <ErrorSummary errors={errors} idFor={(f) => `${prefix}-${f}`} />
      <TextField
        id={`${prefix}-label`}
        label={`追加する${words.noun}`}
        hint={`${words.example}（40字まで）`}
        width="long"
        value={label}
        onChange={setLabel}
        error={fieldError(errors, 'label')}
      />
      <div className="button-row">
        <button type="submit" className="button button--secondary" disabled={busy}>
          {busy ? '追加しています…' : `${words.noun}を追加する`}
        </button>
      </div>
    </form>
  );
}
