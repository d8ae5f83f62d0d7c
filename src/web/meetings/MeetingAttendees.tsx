import { useState, type FormEvent } from 'react';
import { formatDateTime } from '../../shared/dates.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, TextField, type FormErrors } from '../components/forms.tsx';
import { Badge, ConfirmAction } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useUser } from '../lib/session.tsx';
import type { AttendeeView, MeetingDetail } from '../lib/types.ts';
import { StaffPicker } from '../users/StaffPicker.tsx';

/** 招く: a colleague from the staff directory (invited at once), or an external participant by name and organisation. */
function AddAttendee({ meeting, onAdded }: { meeting: MeetingDetail; onAdded: (items: AttendeeView[], name: string) => void }) {
  const [open, setOpen] = useState(false);
  const [who, setWho] = useState<'staff' | 'external'>('staff');
  const [name, setName] = useState('');
  const [org, setOrg] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
        出席者を招く
      </button>
    );
  }

  const invite = async (body: Record<string, string>, added: string) => {
    setBusy(true);
    setErrors(null);
    try {
      const result = await api.post<{ items: AttendeeView[] }>(`/api/v1/meetings/${meeting.id}/attendees`, body);
      setName('');
      setOrg('');
      setOpen(false);
      onAdded(result.items, added);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };

  const submitExternal = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.externalName = '外部の出席者の氏名を入力してください';
    if (!org.trim()) problems.externalOrganization = '所属を入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    void invite({ externalName: name.trim(), externalOrganization: org.trim() }, name.trim());
  };

  const invited = meeting.attendees.flatMap((a) => (a.userId ? [a.userId] : []));
  const close = (
    <button type="button" className="button button--tertiary button--small" onClick={() => { setOpen(false); setErrors(null); }}>
      やめる
    </button>
  );

  return (
    <form className="inline-form meeting-invite" onSubmit={submitExternal} noValidate>
      <p className="inline-form__title">出席者を招く</p>
      <ErrorSummary
        errors={errors}
        idFor={(f) => (f === 'userId' ? 'invite-staff' : f === 'externalName' ? 'invite-name' : f === 'externalOrganization' ? 'invite-org' : null)}
      />
      <RadioGroup
        id="invite-who"
        legend="出席者の種類"
        inline
        value={who}
        onChange={(v) => {
          setWho(v as 'staff' | 'external');
          setErrors(null);
        }}
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
          <StaffPicker
            id="invite-staff"
            label="招く職員"
            hint="氏名の一部で探して「招く」を押してください。"
            pickLabel="招く"
            excludeIds={invited}
            busy={busy}
            error={fieldError(errors, 'userId')}
            onPick={(s) => void invite({ userId: s.id }, s.name)}
          />
          <div className="button-row">{close}</div>
        </>
      ) : (
        <>
          <div className="field-row">
            <TextField id="invite-name" label="氏名" required value={name} onChange={setName} error={fieldError(errors, 'externalName')} />
            <TextField id="invite-org" label="所属" required width="long" hint="例：民生委員・児童委員協議会" value={org} onChange={setOrg} error={fieldError(errors, 'externalOrganization')} />
          </div>
          <div className="button-row">
            <button type="submit" className="button button--primary button--small" disabled={busy}>
              招く
            </button>
            {close}
          </div>
        </>
      )}
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
