import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { formatDateTime } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, ErrorSummary, formErrorsFrom, type FormErrors } from '../components/forms.tsx';
import { ConfirmAction, DataList, DateTime, LoadError, Loading, Multiline, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { MeetingDetail } from '../lib/types.ts';
import { MeetingAgenda } from './MeetingAgenda.tsx';
import { MeetingAttendees } from './MeetingAttendees.tsx';
import { ConfidentialMark, MeetingKindBadge, MeetingStatusBadge, meetingWhen } from './labels.tsx';

const CRUMBS = [{ label: '会議', to: '/meetings' }];

/** 支援会議: the statutory text, a checkbox and 「守秘義務を確認しました」; nothing opens before. */
function Acknowledgement({ meeting, onDone }: { meeting: MeetingDetail; onDone: (m: MeetingDetail) => void }) {
  const [checked, setChecked] = useState(false);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const c = meeting.confidentiality!;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checked) {
      setErrors({ message: '守秘義務の内容を読み、チェックを入れてください。', fields: { confirm: '守秘義務の内容を読み、チェックを入れてください' } });
      return;
    }
    setBusy(true);
    try {
      await api.post(`/api/v1/meetings/${meeting.id}/acknowledgements`, {});
      onDone(await api.get<MeetingDetail>(`/api/v1/meetings/${meeting.id}`));
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  if (!c.required) {
    return (
      <Notice tone="info" title="守秘義務を確認済みです">
        <p>
          {formatDateTime(c.acknowledgedAt)}に確認しました。この会議の議題・資料・議事録は非公開です。会議の外で話したり、写しを持ち出したりしないでください。
        </p>
      </Notice>
    );
  }
  if (!meeting.can.acknowledge) {
    return (
      <Notice tone="warning" title="この会議の出席者ではありません">
        <p>守秘義務のある会議体の議題・資料・記録は、出席者が守秘義務を確認した後にだけ開けます。</p>
      </Notice>
    );
  }
  return (
    <section className="panel meeting-ack" aria-labelledby="meeting-ack-title">
      <h2 id="meeting-ack-title" className="panel__title">
        守秘義務の確認
      </h2>
      <p>
        この会議は{meeting.kind === 'shien' ? '支援会議（社会福祉法第106条の6）' : `守秘義務のある会議体（${meeting.rule.confidentialityBasis ?? '法律の規定'}）`}
        です。本人の同意がなくても検討できますが、議題・会議資料・議事録は、出席者一人ひとりが守秘義務を確認するまで表示されません。
      </p>
      <blockquote className="meeting-ack__text">{c.text}</blockquote>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} idFor={(f) => (f === 'confirm' ? 'meeting-ack-confirm' : null)} />
        <Checkbox
          id="meeting-ack-confirm"
          label={`上の内容を読み、${meeting.kind === 'shien' ? '支援会議' : 'この会議体'}の構成員として守秘義務を負うことを理解しました`}
          checked={checked}
          onChange={setChecked}
          error={errors?.fields.confirm}
        />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            守秘義務を確認しました
          </button>
        </div>
        <p className="form__note">確認した日時と文面の版（{c.textVersion}）が記録されます。</p>
      </form>
    </section>
  );
}

/** 開催済 / 中止 by the convener or chair (PATCH with the meeting's version). */
function StatusActions({ meeting, onChanged }: { meeting: MeetingDetail; onChanged: (m: MeetingDetail, flash: string) => void }) {
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  if (!meeting.can.manage || meeting.status !== 'scheduled') return null;
  const set = async (status: 'held' | 'cancelled', flash: string) => {
    setBusy(true);
    setErrors(null);
    try {
      onChanged(await api.patch<MeetingDetail>(`/api/v1/meetings/${meeting.id}`, { status, version: meeting.version }), flash);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="meeting-status-actions">
      <ErrorSummary errors={errors} idFor={() => null} />
      <div className="button-row">
        <button type="button" className="button button--secondary" disabled={busy} onClick={() => void set('held', '会議を開催済にしました。')}>
          開催済にする
        </button>
        <ConfirmAction
          label="中止する"
          question="この会議を中止しますか。中止した会議には記録できなくなります。"
          confirmLabel="中止する"
          tone="danger"
          busy={busy}
          onConfirm={() => void set('cancelled', '会議を中止にしました。')}
        />
      </div>
    </div>
  );
}

export function MeetingPage() {
  const { id } = useParams<{ id: string }>();
  const location = useLocation();
  const meeting = useApiData<MeetingDetail>(`/api/v1/meetings/${id}`);
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);

  if (meeting.error) return <LoadError error={meeting.error} onRetry={meeting.reload} />;
  if (!meeting.data) return <Loading />;
  const m = meeting.data;
  const update = (next: MeetingDetail, message?: string) => {
    meeting.setData(next);
    if (message) setFlash(message);
  };

  return (
    <>
      <PageHeader
        title={`会議：${m.title}`}
        heading={
          <>
            <span className="heading-kicker">{m.kindLabel}</span>
            {m.title}
          </>
        }
        breadcrumbs={CRUMBS}
        lead={
          <span className="detail-lead">
            <MeetingKindBadge kind={m.kind} />
            {m.confidential && <ConfidentialMark />}
            <MeetingStatusBadge meeting={m} />
            <span>
              <time dateTime={m.scheduledAt}>{meetingWhen(m.scheduledAt)}</time>
            </span>
            <span>{m.online ? (m.place ? `${m.place}・オンライン` : 'オンライン') : m.place}</span>
          </span>
        }
        actions={
          m.agenda && (
            <Link to={`/meetings/${m.id}/materials`} className="button button--secondary">
              会議資料を開く
            </Link>
          )
        }
      />
      {flash && (
        <Notice tone="success" focus>
          <p>{flash}</p>
        </Notice>
      )}
      <Notice tone={m.confidential ? 'warning' : 'info'} title={m.rule.notice.split('：')[0]}>
        <p>{m.rule.notice.split('：').slice(1).join('：')}</p>
        {(m.rule.convenedBy || m.rule.host || m.rule.secretariatAttends) && (
          <p>
            この自治体のルール：
            {[m.rule.convenedBy === 'secretariat' ? '招集は市（事務局）' : null, m.rule.host ? `主催は${m.rule.host.name}` : null, m.rule.secretariatAttends ? '市（事務局）が毎回出席' : null]
              .filter(Boolean)
              .join('、')}
            。
          </p>
        )}
      </Notice>
      {m.confidential && <Acknowledgement meeting={m} onDone={(next) => update(next, '守秘義務の確認を記録しました。議題と会議資料を開けるようになりました。')} />}
      {m.status === 'cancelled' && (
        <Notice tone="warning" title="この会議は中止されました">
          <p>中止した会議には、議題・議事録・決定を記録できません。</p>
        </Notice>
      )}
      <div className="detail-grid meeting-grid">
        <section className="panel" aria-labelledby="meeting-summary">
          <h2 id="meeting-summary" className="panel__title">
            会議の概要
          </h2>
          <DataList
            hideEmpty
            rows={[
              { label: '会議体', value: m.bodyName },
              { label: '根拠', value: m.legalBasis },
              { label: '日時', value: <DateTime value={m.scheduledAt} /> },
              { label: '場所', value: m.online ? (m.place ? `${m.place}（オンライン併用）` : 'オンライン') : m.place },
              { label: '招集者', value: m.convener },
              { label: '主催者', value: m.organizer?.name },
              {
                label: '合同開催',
                value: m.jointMeetings.length ? (
                  <ul className="plain-list">
                    {m.jointMeetings.map((j) => (
                      <li key={j.id}>
                        <Link to={`/meetings/${j.id}`}>{j.title}</Link>（{j.bodyName}）
                      </li>
                    ))}
                  </ul>
                ) : null,
              },
              { label: '備考', value: m.note ? <Multiline text={m.note} /> : null },
              {
                label: '情報の扱い',
                value: m.confidential ? `非公開（${m.rule.confidentialityBasis ?? '法律'}の守秘義務）` : '本人の同意（会議での情報共有）の範囲内',
              },
            ]}
          />
          <StatusActions meeting={m} onChanged={(next, message) => update(next, message)} />
        </section>
        <MeetingAttendees meeting={m} onChanged={(attendees) => update({ ...m, attendees })} />
      </div>
      <MeetingAgenda meeting={m} onAgenda={(agenda) => update({ ...m, agenda })} />
      <p className="back-link">
        <Link to="/meetings">会議の一覧へ戻る</Link>
      </p>
    </>
  );
}
