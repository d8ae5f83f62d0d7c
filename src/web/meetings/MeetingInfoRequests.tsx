import { useState, type FormEvent } from 'react';
import { formatDateTime } from '../../shared/dates.ts';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextArea, type FormErrors } from '../components/forms.tsx';
import { Badge, Multiline } from '../components/ui.tsx';
import { api, type Page } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { AgencyView, MeetingDetail, MeetingInfoRequestView } from '../lib/types.ts';

function ReplyForm({ meeting, request, onDone }: { meeting: MeetingDetail; request: MeetingInfoRequestView; onDone: (items: MeetingInfoRequestView[]) => void }) {
  const [open, setOpen] = useState(false);
  const [reply, setReply] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const id = `info-reply-${request.id}`;
  if (!open) {
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        回答を記録する
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = clientErrors(reply.trim() ? {} : { reply: '回答を入力してください' });
    if (local) {
      setErrors(local);
      return;
    }
    try {
      onDone((await api.post<{ items: MeetingInfoRequestView[] }>(`/api/v1/meetings/${meeting.id}/info-requests/${request.id}/reply`, { reply: reply.trim() })).items);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <ErrorSummary errors={errors} idFor={(f) => (f === 'reply' ? id : null)} />
      <TextArea id={id} label={`${request.toAgency.name}からの回答`} rows={3} value={reply} onChange={setReply} error={fieldError(errors, 'reply')} />
      <div className="button-row">
        <button type="submit" className="button button--primary button--small">
          回答を記録する
        </button>
        <button type="button" className="button button--tertiary button--small" onClick={() => setOpen(false)}>
          やめる
        </button>
      </div>
    </form>
  );
}

/**
 * 情報提供の求め (社会福祉法第106条の6第3項): the chair of a 支援会議 asks an
 * agency for information and records its answer.
 */
export function MeetingInfoRequests({ meeting }: { meeting: MeetingDetail }) {
  const list = useApiData<{ items: MeetingInfoRequestView[] }>(`/api/v1/meetings/${meeting.id}/info-requests`);
  const [open, setOpen] = useState(false);
  const agencies = useApiData<Page<AgencyView>>(open ? '/api/v1/agencies?limit=200' : null);
  const [to, setTo] = useState('');
  const [itemId, setItemId] = useState('');
  const [question, setQuestion] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const items = list.data?.items ?? [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!to) problems.toAgencyId = '求める先の機関を選んでください';
    if (!question.trim()) problems.question = '求める情報を入力してください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    try {
      const result = await api.post<{ items: MeetingInfoRequestView[] }>(`/api/v1/meetings/${meeting.id}/info-requests`, {
        toAgencyId: to,
        agendaItemId: itemId || null,
        question: question.trim(),
      });
      list.setData(result);
      setOpen(false);
      setTo('');
      setQuestion('');
      setItemId('');
      setErrors(null);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  return (
    <div className="meeting-info-requests">
      <h3 className="agenda-item__title">情報提供の求め</h3>
      <p className="form__note">支援会議は、必要があるときは関係機関に情報の提供を求めることができます（社会福祉法第106条の6第3項）。求めと回答は議長・招集者が記録します。</p>
      {items.length > 0 ? (
        <ul className="info-request-list">
          {items.map((r) => (
            <li key={r.id} className="info-request">
              <p className="info-request__head">
                <strong>{r.toAgency.name}</strong>
                {r.reply ? <Badge tone="success">回答済</Badge> : <Badge tone="warning">回答待ち</Badge>}
                <span className="muted">
                  {r.requestedByName ?? ''}・{formatDateTime(r.requestedAt)}
                </span>
              </p>
              <p>
                <Multiline text={r.question} />
              </p>
              {r.reply ? (
                <p className="info-request__reply">
                  回答（{formatDateTime(r.repliedAt)}）：<Multiline text={r.reply} />
                </p>
              ) : (
                meeting.can.manage && <ReplyForm meeting={meeting} request={r} onDone={(next) => list.setData({ items: next })} />
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">情報提供の求めはまだありません。</p>
      )}
      {meeting.can.manage &&
        (open ? (
          <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate>
            <p className="inline-form__title">情報提供を求める</p>
            <ErrorSummary errors={errors} idFor={(f) => ({ toAgencyId: 'info-to', question: 'info-question', agendaItemId: 'info-item' })[f] ?? null} />
            <SelectField
              id="info-to"
              label="求める先の機関"
              required
              width="full"
              placeholder="選んでください"
              value={to}
              onChange={setTo}
              error={fieldError(errors, 'toAgencyId')}
              options={(agencies.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
            />
            <SelectField
              id="info-item"
              label="議題（任意）"
              width="full"
              placeholder="議題を選ばない"
              value={itemId}
              onChange={setItemId}
              options={(meeting.agenda ?? []).map((i) => ({ value: i.id, label: `${i.seq}. ${i.title}` }))}
            />
            <TextArea id="info-question" label="求める情報" required rows={3} value={question} onChange={setQuestion} error={fieldError(errors, 'question')} />
            <div className="button-row">
              <button type="submit" className="button button--primary button--small">
                記録する
              </button>
              <button type="button" className="button button--tertiary button--small" onClick={() => setOpen(false)}>
                やめる
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
            情報提供を求める
          </button>
        ))}
    </div>
  );
}
