import { useState, type FormEvent } from 'react';
import { CONTACT_KINDS, RECORD_KINDS, type RecordKind } from '../../shared/cases.ts';
import { formatDateTime } from '../../shared/dates.ts';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { Multiline } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useUser } from '../lib/session.tsx';
import type { RecordView } from '../lib/types.ts';

/**
 * The entry form of a 支援経過記録: 日時 (now by default), 種別 as one-tap
 * buttons, 内容, 所要時間 and 次の予定. The same form corrects a record of
 * the user's agency (訂正): the earlier text is shown above it and a reason
 * is required; the earlier revision stays in the history.
 */

interface Draft {
  occurredAt: string;
  kind: RecordKind | '';
  content: string;
  durationMinutes: string;
  nextAction: string;
  nextActionOn: string;
  contact: boolean;
  /** The user changed 本人との接触 by hand (the kind no longer decides it). */
  contactTouched: boolean;
  correctionReason: string;
}

/** Now in Japan time as the datetime-local value 'YYYY-MM-DDTHH:mm'. */
export function nowLocal(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 16);
}

function toLocal(iso: string): string {
  return new Date(new Date(iso).getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

function emptyDraft(): Draft {
  return {
    occurredAt: nowLocal(),
    kind: '',
    content: '',
    durationMinutes: '',
    nextAction: '',
    nextActionOn: '',
    contact: false,
    contactTouched: false,
    correctionReason: '',
  };
}

function draftOf(r: RecordView): Draft {
  return {
    occurredAt: toLocal(r.occurredAt),
    kind: r.kind as RecordKind,
    content: r.content,
    durationMinutes: r.durationMinutes === null ? '' : String(r.durationMinutes),
    nextAction: r.nextAction ?? '',
    nextActionOn: r.nextActionOn ?? '',
    contact: r.contact,
    contactTouched: r.contact !== CONTACT_KINDS.includes(r.kind as RecordKind),
    correctionReason: '',
  };
}

const KIND_OPTIONS = RECORD_KINDS.map((k) => ({ value: k, label: k }));

export function RecordForm({
  caseId,
  idPrefix = 'record',
  correcting,
  onSaved,
  onCancel,
}: {
  caseId: string;
  idPrefix?: string;
  /** The current revision of the record being corrected (訂正). */
  correcting?: RecordView;
  onSaved: (record: RecordView) => void;
  onCancel?: () => void;
}) {
  const user = useUser();
  const [draft, setDraft] = useState<Draft>(() => (correcting ? draftOf(correcting) : emptyDraft()));
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const [latest, setLatest] = useState<RecordView | null>(null);
  const id = (name: string) => `${idPrefix}-${name}`;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const setKind = (kind: string) =>
    setDraft((d) => ({ ...d, kind: kind as RecordKind, contact: d.contactTouched ? d.contact : CONTACT_KINDS.includes(kind as RecordKind) }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!draft.occurredAt) problems.occurredAt = '日時：入力してください';
    if (!draft.kind) problems.kind = '種別：選んでください';
    if (!draft.content.trim()) problems.content = '内容：入力してください';
    if (draft.durationMinutes.trim() && !/^\d{1,4}$/.test(draft.durationMinutes.trim().normalize('NFKC')))
      problems.durationMinutes = '所要時間（分）：0〜1440の数字で入力してください';
    if (correcting && !draft.correctionReason.trim()) problems.correctionReason = '訂正の理由：入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    const body = {
      occurredAt: draft.occurredAt,
      kind: draft.kind,
      content: draft.content,
      durationMinutes: draft.durationMinutes.trim() ? Number(draft.durationMinutes.trim().normalize('NFKC')) : null,
      nextAction: draft.nextAction.trim() || null,
      nextActionOn: draft.nextActionOn || null,
      contact: draft.contact,
      ...(correcting ? { correctionReason: draft.correctionReason, baseRevision: latest?.revision ?? correcting.revision } : {}),
    };
    setBusy(true);
    try {
      const saved = correcting
        ? await api.post<RecordView>(`/api/v1/cases/${caseId}/records/${correcting.rootId}/corrections`, body)
        : await api.post<RecordView>(`/api/v1/cases/${caseId}/records`, body);
      setErrors(null);
      if (!correcting) setDraft({ ...emptyDraft() });
      onSaved(saved);
    } catch (error) {
      const e = formErrorsFrom(error);
      setErrors(e);
      if (e.conflict && e.current) setLatest(e.current as RecordView);
    } finally {
      setBusy(false);
    }
  };

  const base = latest ?? correcting;
  return (
    <form className="form record-form" onSubmit={(e) => void submit(e)} noValidate>
      <ErrorSummary
        errors={errors}
        idFor={(f) => (f === 'kind' ? id('kind-0') : ['occurredAt', 'content', 'durationMinutes', 'nextAction', 'nextActionOn', 'correctionReason'].includes(f) ? id(f) : null)}
        onReloadLatest={
          latest
            ? () => {
                setDraft(draftOf(latest));
                setErrors(null);
              }
            : undefined
        }
      />
      {base && (
        <div className="record-form__original">
          <p className="record-form__original-title">
            {latest ? 'いま保存されている内容' : '訂正前の内容'}（第{base.revision}版・{formatDateTime(base.occurredAt)}・{base.kind}）
          </p>
          <p className="record-form__original-text">
            <Multiline text={base.content} />
          </p>
        </div>
      )}
      <div className="record-form__top">
        <TextField
          id={id('occurredAt')}
          label="日時"
          type="datetime-local"
          width="medium"
          required
          value={draft.occurredAt}
          onChange={(v) => set('occurredAt', v)}
          error={fieldError(errors, 'occurredAt')}
        />
        <TextField
          id={id('durationMinutes')}
          label="所要時間（分）"
          width="short"
          inputMode="numeric"
          suffix="分"
          value={draft.durationMinutes}
          onChange={(v) => set('durationMinutes', v)}
          error={fieldError(errors, 'durationMinutes')}
        />
      </div>
      <div className="kind-picker">
        <RadioGroup
          id={id('kind')}
          legend="種別"
          required
          value={draft.kind}
          onChange={setKind}
          options={KIND_OPTIONS}
          error={fieldError(errors, 'kind')}
        />
      </div>
      <TextArea
        id={id('content')}
        label="内容"
        required
        rows={5}
        value={draft.content}
        onChange={(v) => set('content', v)}
        error={fieldError(errors, 'content')}
        hint="だれと、どこで、何を話し・何をしたか。本人の様子や言葉も残しておくと、チームの次の対応に役立ちます。"
      />
      <div className="record-form__next">
        <TextField
          id={id('nextAction')}
          label="次の予定"
          width="long"
          value={draft.nextAction}
          onChange={(v) => set('nextAction', v)}
          error={fieldError(errors, 'nextAction')}
          placeholder="例：来週、母の通院に同行する"
        />
        <TextField
          id={id('nextActionOn')}
          label="予定日"
          type="date"
          width="medium"
          value={draft.nextActionOn}
          onChange={(v) => set('nextActionOn', v)}
          error={fieldError(errors, 'nextActionOn')}
        />
      </div>
      <Checkbox
        id={id('contact')}
        label="本人と接触した（会えた・話せた）"
        hint="面談・電話・訪問・同行・見守りは、はじめから「接触した」になります。最後に本人と接触した日は、連絡が途絶えていないかの確認に使います。"
        checked={draft.contact}
        onChange={(v) => setDraft((d) => ({ ...d, contact: v, contactTouched: true }))}
      />
      {correcting && (
        <TextArea
          id={id('correctionReason')}
          label="訂正の理由"
          required
          rows={2}
          value={draft.correctionReason}
          onChange={(v) => set('correctionReason', v)}
          error={fieldError(errors, 'correctionReason')}
          hint="訂正前の内容は履歴として残り、チームの機関が確認できます。"
        />
      )}
      <p className="record-form__who">
        {correcting
          ? `対応者：${correcting.staffName}（${correcting.agencyName}）・訂正する人：${user.name}`
          : `対応者：${user.name}（${user.agencyName}）`}
      </p>
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '保存しています…' : correcting ? '訂正を保存する' : '記録する'}
        </button>
        {onCancel && (
          <button type="button" className="button button--tertiary" onClick={onCancel}>
            やめる
          </button>
        )}
      </div>
    </form>
  );
}
