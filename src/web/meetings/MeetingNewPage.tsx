import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { api, type Page } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { AgencyView, MeetingDetail, MeetingSummary, MunicipalityOverview } from '../lib/types.ts';
import { jstInstant, MEETING_KIND_SHORT, meetingWhen } from './labels.tsx';

const CRUMBS = [{ label: '会議', to: '/meetings' }];

const KIND_ORDER = ['jusou', 'shien', 'suishin', 'other'];

function kindShort(kind: string): string {
  return kind in MEETING_KIND_SHORT ? MEETING_KIND_SHORT[kind as keyof typeof MEETING_KIND_SHORT] : 'その他';
}

const FIELD_IDS: Record<string, string> = {
  meetingBodyId: 'meeting-body-0',
  title: 'meeting-title',
  scheduledAt: 'meeting-at',
  place: 'meeting-place',
  convener: 'meeting-convener',
  organizerAgencyId: 'meeting-organizer',
  jointWithMeetingId: 'meeting-joint',
  note: 'meeting-note',
};

/** 会議を招集する: the body (支援会議 only for the 事務局), date and place, 招集者・主催者, joint meetings. */
export function MeetingNewPage() {
  const user = useUser();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const overview = useApiData<MunicipalityOverview>('/api/v1/municipality');
  const agencies = useApiData<Page<AgencyView>>('/api/v1/agencies?limit=200');
  const mine = useApiData<{ items: MeetingSummary[] }>('/api/v1/meetings?limit=100');
  const secretariat = user.role === 'secretariat';
  const bodies = (overview.data?.meetingBodies ?? [])
    .filter((b) => secretariat || b.kind !== 'shien')
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const [bodyId, setBodyId] = useState('');
  const [title, setTitle] = useState('');
  const [at, setAt] = useState('');
  const [place, setPlace] = useState('');
  const [online, setOnline] = useState(false);
  const [convener, setConvener] = useState('');
  const [organizer, setOrganizer] = useState('');
  const [joint, setJoint] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  // Preselect the body asked for (?kind=shien from the consent refusal) or the only one.
  const wanted = params.get('kind');
  useEffect(() => {
    if (bodyId || !bodies.length) return;
    const pick = bodies.find((b) => b.kind === wanted) ?? (bodies.length === 1 ? bodies[0] : undefined);
    if (pick) {
      setBodyId(pick.id);
      setConvener(pick.convener ?? '');
    }
  }, [bodies, bodyId, wanted]);

  const body = bodies.find((b) => b.id === bodyId);
  const chooseBody = (id: string) => {
    const next = bodies.find((b) => b.id === id);
    setBodyId(id);
    if (next && (!convener || bodies.some((b) => b.convener === convener))) setConvener(next.convener ?? '');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!bodyId) problems.meetingBodyId = '会議体を選んでください';
    if (!title.trim()) problems.title = '会議名を入力してください';
    if (!at) problems.scheduledAt = '日時を入力してください';
    if (!online && !place.trim()) problems.place = '場所を入力するか、オンラインを選んでください';
    const local = clientErrors(problems);
    if (local) {
      setErrors(local);
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<MeetingDetail>('/api/v1/meetings', {
        meetingBodyId: bodyId,
        title: title.trim(),
        scheduledAt: jstInstant(at),
        place: place.trim() || null,
        online,
        convener: convener.trim() || null,
        organizerAgencyId: organizer || null,
        jointWithMeetingId: joint || null,
        note: note.trim() || null,
      });
      void navigate(`/meetings/${created.id}`, {
        state: {
          flash:
            created.kind === 'shien'
              ? '支援会議を招集しました。出席者を招いてください。議題と資料は、守秘義務を確認した後に登録・閲覧できます。'
              : '会議を招集しました。出席者と議題を登録してください。',
        },
      });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  const failed = overview.error ?? agencies.error;
  if (failed) return <LoadError error={failed} onRetry={() => { overview.reload(); agencies.reload(); }} />;
  if (!overview.data || !agencies.data) return <Loading />;

  return (
    <>
      <PageHeader
        title="会議を招集する"
        breadcrumbs={CRUMBS}
        lead={
          secretariat
            ? '会議体を選び、日時と場所を決めて招集します。招集したあとで出席者と議題を登録します。'
            : '重層的支援会議などを招集します。支援会議（社会福祉法第106条の6）は市（事務局）が招集します。'
        }
      />
      <form className="form form--narrow meeting-form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} idFor={(f) => FIELD_IDS[f] ?? null} />
        <RadioGroup
          id="meeting-body"
          legend="会議体"
          required
          value={bodyId}
          onChange={chooseBody}
          error={fieldError(errors, 'meetingBodyId')}
          options={bodies.map((b) => ({
            value: b.id,
            label: b.name,
            hint: [b.name.includes(kindShort(b.kind)) ? null : kindShort(b.kind), b.legalBasis, b.kind === 'shien' ? '本人の同意は不要・資料と記録は非公開（守秘義務）' : b.consentRequired ? '本人の同意（会議での情報共有）が必要' : null]
              .filter(Boolean)
              .join('｜'),
          }))}
        />
        {body?.purpose && (
          <div className="meeting-purpose">
            <p className="meeting-purpose__title">{body.name}の目的</p>
            <p>{body.purpose}</p>
            {body.members && <p className="meeting-purpose__members">構成員：{body.members}</p>}
          </div>
        )}
        <TextField id="meeting-title" label="会議名" required width="full" hint="例：令和8年度 第3回 重層的支援会議" value={title} onChange={setTitle} error={fieldError(errors, 'title')} />
        <TextField
          id="meeting-at"
          label="日時"
          required
          type="datetime-local"
          width="medium"
          value={at}
          onChange={setAt}
          error={fieldError(errors, 'scheduledAt')}
          after={at && /T/.test(at) ? <p className="date-preview">{meetingWhen(jstInstant(at))}</p> : undefined}
        />
        <Checkbox id="meeting-online" label="オンラインで開催する" hint="会場とオンラインを併用するときは、場所も入力してください。" checked={online} onChange={setOnline} />
        <TextField id="meeting-place" label="場所" required={!online} width="full" hint="例：市役所第二庁舎 801会議室" value={place} onChange={setPlace} error={fieldError(errors, 'place')} />
        <TextField id="meeting-convener" label="招集者" width="full" hint="会議体の設定の招集者が入っています。必要に応じて書き換えてください。" value={convener} onChange={setConvener} error={fieldError(errors, 'convener')} />
        <SelectField
          id="meeting-organizer"
          label="主催者（機関）"
          width="full"
          placeholder="選ばない"
          value={organizer}
          onChange={setOrganizer}
          error={fieldError(errors, 'organizerAgencyId')}
          options={agencies.data.items.map((a) => ({ value: a.id, label: a.name }))}
        />
        <SelectField
          id="meeting-joint"
          label="合同開催（任意）"
          hint="ほかの会議体の会議と合同で開くときに、その会議を選びます（例：地域ケア会議との合同開催）。"
          width="full"
          placeholder="合同開催しない"
          value={joint}
          onChange={setJoint}
          error={fieldError(errors, 'jointWithMeetingId')}
          options={(mine.data?.items ?? [])
            .filter((m) => m.status === 'scheduled')
            .map((m) => ({ value: m.id, label: `${meetingWhen(m.scheduledAt)} ${m.title}（${m.bodyName}）` }))}
        />
        <TextArea id="meeting-note" label="備考（任意）" rows={3} value={note} onChange={setNote} error={fieldError(errors, 'note')} />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy}>
            招集する
          </button>
          <Link to="/meetings" className="button button--tertiary">
            やめる
          </Link>
        </div>
      </form>
    </>
  );
}
