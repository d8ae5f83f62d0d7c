import { useEffect, useState, type FormEvent } from 'react';
import { formatDateTime } from '../../shared/dates.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, ConfirmAction } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useUser } from '../lib/session.tsx';
import type { AttendeeView, CaseDetail, MeetingDetail, MeetingSummary } from '../lib/types.ts';

interface Candidate {
  userId: string;
  name: string;
  agencyName: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Staff the convener may invite, as far as the API lets a non-admin see
 * staff: the named members of the teams of the cases on the agenda, and
 * the staff of the user's other meetings.
 */
async function loadCandidates(meeting: MeetingDetail): Promise<Candidate[]> {
  const found = new Map<string, Candidate>();
  const caseIds = [...new Set((meeting.agenda ?? []).flatMap((i) => (i.case ? [i.case.id] : [])))];
  const details = await Promise.all(caseIds.map((id) => api.get<CaseDetail>(`/api/v1/cases/${id}`).catch(() => null)));
  for (const d of details) {
    for (const t of d?.team ?? []) if (t.userId && t.userName) found.set(t.userId, { userId: t.userId, name: t.userName, agencyName: t.agencyName });
  }
  const mine = await api.get<{ items: MeetingSummary[] }>('/api/v1/meetings?limit=10').catch(() => ({ items: [] as MeetingSummary[] }));
  const lists = await Promise.all(
    mine.items.filter((x) => x.id !== meeting.id).map((x) => api.get<{ items: AttendeeView[] }>(`/api/v1/meetings/${x.id}/attendees`).catch(() => ({ items: [] }))),
  );
  for (const l of lists) {
    for (const a of l.items) if (a.userId && !a.external) found.set(a.userId, { userId: a.userId, name: a.name, agencyName: a.organization ?? '' });
  }
  for (const a of meeting.attendees) if (a.userId) found.delete(a.userId);
  return [...found.values()].sort((a, b) => a.agencyName.localeCompare(b.agencyName, 'ja') || a.name.localeCompare(b.name, 'ja'));
}

function AddAttendee({ meeting, onAdded }: { meeting: MeetingDetail; onAdded: (items: AttendeeView[], name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [who, setWho] = useState<'staff' | 'external'>('staff');
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [userId, setUserId] = useState('');
  const [manualId, setManualId] = useState('');
  const [name, setName] = useState('');
  const [org, setOrg] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (open && candidates === null) void loadCandidates(meeting).then(setCandidates);
  }, [open, candidates, meeting]);

  if (!open) {
    return (
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
        出席者を招く
      </button>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const staffId = userId || manualId.trim();
    const problems: Record<string, string> = {};
    if (who === 'staff' && !staffId) problems.userId = '招く職員を選ぶか、職員IDを入力してください';
    if (who === 'staff' && !userId && staffId && !UUID.test(staffId)) problems.userId = '職員IDの形が正しくありません（利用者管理に表示される職員IDを入力してください）';
    if (who === 'external' && !name.trim()) problems.externalName = '外部の出席者の氏名を入力してください';
    if (who === 'external' && !org.trim()) problems.externalOrganization = '所属を入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      const body = who === 'staff' ? { userId: staffId } : { externalName: name.trim(), externalOrganization: org.trim() };
      const result = await api.post<{ items: AttendeeView[] }>(`/api/v1/meetings/${meeting.id}/attendees`, body);
      const added = who === 'staff' ? (result.items.find((a) => a.userId === staffId)?.name ?? '職員') : name.trim();
      setUserId('');
      setManualId('');
      setName('');
      setOrg('');
      setCandidates(null);
      setOpen(false);
      onAdded(result.items, added);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inline-form meeting-invite" onSubmit={(e) => void submit(e)} noValidate>
      <p className="inline-form__title">出席者を招く</p>
      <ErrorSummary
        errors={errors}
        idFor={(f) => (f === 'userId' ? (candidates?.length ? 'invite-user' : 'invite-id') : f === 'externalName' ? 'invite-name' : f === 'externalOrganization' ? 'invite-org' : null)}
      />
      <RadioGroup
        id="invite-who"
        legend="出席者の種類"
        inline
        value={who}
        onChange={(v) => setWho(v as 'staff' | 'external')}
        options={[
          { value: 'staff', label: '職員（kasane の利用者）' },
          { value: 'external', label: '外部の出席者' },
        ]}
      />
      {who === 'staff' ? (
        <>
          {meeting.kind === 'jusou' && (
            <p className="form__note">重層的支援会議では、議題の本人の同意（会議での情報共有）の範囲内の機関の職員だけを招けます。</p>
          )}
          {candidates === null ? (
            <p className="muted">候補を読み込んでいます…</p>
          ) : candidates.length > 0 ? (
            <SelectField
              id="invite-user"
              label="職員"
              hint="議題の事例のチームの担当者と、これまでの会議の出席者から選べます。"
              width="full"
              placeholder="選んでください"
              value={userId}
              onChange={setUserId}
              error={fieldError(errors, 'userId')}
              options={candidates.map((c) => ({ value: c.userId, label: `${c.name}（${c.agencyName}）` }))}
            />
          ) : null}
          {!userId && (
            <TextField
              id="invite-id"
              label={candidates?.length ? '候補にいない職員の職員ID' : '職員ID'}
              hint="候補にいない職員は、システム管理者に職員ID（利用者管理の画面のアドレスの末尾）を確認して入力してください。"
              width="full"
              value={manualId}
              onChange={setManualId}
              error={candidates?.length ? undefined : fieldError(errors, 'userId')}
            />
          )}
        </>
      ) : (
        <div className="field-row">
          <TextField id="invite-name" label="氏名" required value={name} onChange={setName} error={fieldError(errors, 'externalName')} />
          <TextField id="invite-org" label="所属" required width="long" hint="例：民生委員・児童委員協議会" value={org} onChange={setOrg} error={fieldError(errors, 'externalOrganization')} />
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button button--primary button--small" disabled={busy}>
          招く
        </button>
        <button type="button" className="button button--tertiary button--small" onClick={() => { setOpen(false); setErrors(null); }}>
          やめる
        </button>
      </div>
    </form>
  );
}

/** 出席者: staff and external participants, attendance, and (支援会議) who has acknowledged the 守秘義務. */
export function MeetingAttendees({ meeting, onChanged }: { meeting: MeetingDetail; onChanged: (items: AttendeeView[]) => void }) {
  const user = useUser();
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);

  const remove = async (a: AttendeeView) => {
    setErrors(null);
    try {
      const result = await api.delete<{ items: AttendeeView[] }>(`/api/v1/meetings/${meeting.id}/attendees/${a.id}`);
      setMessage(`${a.name}さんを出席者から外しました。${a.external ? '' : 'この会議はもう開けません。'}`);
      onChanged(result.items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  const mark = async (a: AttendeeView, attended: boolean) => {
    setErrors(null);
    try {
      const result = await api.patch<{ items: AttendeeView[] }>(`/api/v1/meetings/${meeting.id}/attendees/${a.id}`, { attended });
      setMessage(`${a.name}さんを${attended ? '出席' : '欠席'}にしました。`);
      onChanged(result.items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  return (
    <section className="panel" aria-labelledby="meeting-attendees">
      <h2 id="meeting-attendees" className="panel__title">
        出席者 <span className="results__count">{meeting.attendees.length}人</span>
      </h2>
      {message && <p className="meeting-inline-done" role="status">{message}</p>}
      <ErrorSummary errors={errors} idFor={() => null} />
      <ul className="attendee-list">
        {meeting.attendees.map((a) => (
          <li key={a.id} className="attendee">
            <div className="attendee__main">
              <span className="attendee__name">
                {a.name}
                {a.userId === user.id && <span className="muted">（自分）</span>}
              </span>
              <span className="attendee__org">{a.organization ?? '—'}</span>
            </div>
            <div className="attendee__badges">
              {a.role === 'chair' && <Badge tone="info">議長</Badge>}
              {a.external && <Badge>外部</Badge>}
              {meeting.confidential &&
                !a.external &&
                (a.acknowledgedAt ? (
                  <span className="attendee__ack" title={`守秘義務を確認：${formatDateTime(a.acknowledgedAt)}`}>
                    守秘義務 確認済
                  </span>
                ) : (
                  <span className="attendee__ack attendee__ack--pending">守秘義務 未確認</span>
                ))}
              {a.attended === true && <Badge tone="success">出席</Badge>}
              {a.attended === false && <Badge>欠席</Badge>}
            </div>
            {meeting.can.manage && (
              <div className="attendee__actions">
                <button type="button" className="link-button" aria-label={`${a.name}さんを出席にする`} onClick={() => void mark(a, true)} disabled={a.attended === true}>
                  出席
                </button>
                <button type="button" className="link-button" aria-label={`${a.name}さんを欠席にする`} onClick={() => void mark(a, false)} disabled={a.attended === false}>
                  欠席
                </button>
                {a.userId !== user.id && a.role !== 'chair' && (
                  <ConfirmAction
                    label="外す"
                    question={`${a.name}さんを出席者から外しますか。${a.external ? '' : '外した職員は、この会議を開けなくなります。'}`}
                    confirmLabel="外す"
                    tone="danger"
                    onConfirm={() => void remove(a)}
                  />
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {meeting.can.manage && (
        <AddAttendee
          meeting={meeting}
          onAdded={(items, name) => {
            setMessage(`${name}さんを出席者に加えました。`);
            onChanged(items);
          }}
        />
      )}
    </section>
  );
}
