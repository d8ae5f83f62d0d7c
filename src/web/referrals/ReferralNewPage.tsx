import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DataList, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api, ApiError } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { ConsultationView, PersonDetail, ReferralView, RoutingResult } from '../lib/types.ts';
import { ConsentBadges } from '../people/consent.tsx';
import { useAgencyOptions } from '../users/agencyOptions.ts';

const CRUMBS = [{ label: 'つなぎ', to: '/referrals' }];
const TARGETS = [
  { value: 'coordination', label: '多機関協働（地域福祉コーディネーター）', hint: '複数の課題があり、機関をまたぐ調整が必要なとき' },
  { value: 'agency', label: '機関を選ぶ', hint: 'つなぎ先の機関が決まっているとき' },
];

interface Prefill {
  consultation: ConsultationView | null;
  person: PersonDetail | null;
  target: 'coordination' | 'agency';
  agencyId: string;
  reason: string;
}

function idFor(field: string): string | null {
  if (field === 'toAgencyId' || field === 'toCoordination') return 'referral-target-0';
  if (field === 'consultationId' || field === 'personId') return null;
  return `referral-${field}`;
}

function ReferralForm({ prefill }: { prefill: Prefill }) {
  const user = useUser();
  const navigate = useNavigate();
  const agencies = useAgencyOptions();
  const { consultation: c, person } = prefill;
  const [target, setTarget] = useState<string>(prefill.target);
  const [agencyId, setAgencyId] = useState(prefill.agencyId);
  const [chiefComplaint, setChiefComplaint] = useState(c?.chiefComplaint ?? '');
  const [content, setContent] = useState(c?.content ?? '');
  const [reason, setReason] = useState(prefill.reason);
  const [consentConfirmed, setConsentConfirmed] = useState(false);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [consentProblem, setConsentProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const personId = person?.id ?? c?.person?.id ?? null;
  const err = (name: string) => fieldError(errors, name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (target === 'agency' && !agencyId) problems.toAgencyId = 'つなぎ先の機関を選んでください';
    if (!chiefComplaint.trim()) problems.chiefComplaint = '主訴を入力してください';
    if (!content.trim()) problems.content = '相談内容を入力してください';
    if (!reason.trim()) problems.reason = 'つなぐ理由を入力してください';
    if (personId && !consentConfirmed) problems.consentConfirmed = '情報共有について本人の同意を確認し、チェックを入れてください';
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      setConsentProblem(null);
      return;
    }
    setBusy(true);
    setConsentProblem(null);
    try {
      const saved = await api.post<ReferralView>('/api/v1/referrals', {
        consultationId: c?.id ?? null,
        personId,
        ...(target === 'coordination' ? { toCoordination: true } : { toAgencyId: agencyId, toCoordination: false }),
        chiefComplaint: chiefComplaint.trim(),
        content: content.trim(),
        reason: reason.trim(),
        consentConfirmed: personId ? consentConfirmed : false,
      });
      navigate(`/referrals/${saved.id}`, { state: { flash: `${saved.toAgency.name}へつなぎを送りました。つなぎ先に通知しました。` } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      if (error instanceof ApiError && error.code === 'consent_required') setConsentProblem(error.message);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form form--wide">
      <ErrorSummary errors={errors} idFor={idFor} />
      {consentProblem && personId && (
        <Notice tone="error" title="つなぎ先が本人の同意の範囲に含まれていません">
          <p>本人の同意（関係機関への情報提供）の範囲を確認してください。本人が同意したときは、本人のページで同意を記録してから、もう一度送ってください。</p>
          <p>
            <Link to={`/persons/${personId}#consent`}>本人のページで同意を記録する</Link>
          </p>
        </Notice>
      )}
      {(c || person) && (
        <section className="panel form-context" aria-labelledby="referral-context">
          <h2 id="referral-context" className="panel__title">
            つなぐ相談
          </h2>
          <DataList
            rows={[
              ...(person ? [{ label: '本人', value: person.displayName }] : c?.person ? [{ label: '本人', value: c.person.displayName }] : [{ label: '本人', value: '本人を特定しない（匿名）' }]),
              ...(person ? [{ label: '同意の状況', value: <ConsentBadges consent={person.consent} /> }] : []),
              ...(c ? [{ label: '元の相談', value: <Link to={`/consultations/${c.id}`}>{c.chiefComplaint}</Link> }] : []),
            ]}
          />
        </section>
      )}
      <p className="form__note">
        送付元：{user.agencyName}｜{user.name}
      </p>
      <RadioGroup id="referral-target" legend="つなぎ先" required inline={false} options={TARGETS} value={target} onChange={setTarget} error={err('toAgencyId') ?? err('toCoordination')} />
      {target === 'agency' && (
        <div className="conditional">
          <SelectField
            id="referral-toAgencyId"
            label="つなぎ先の機関"
            required
            width="long"
            placeholder="選択してください"
            hint={agencies.error ?? undefined}
            options={agencies.options.filter((o) => o.value !== user.agencyId)}
            value={agencyId}
            onChange={setAgencyId}
            error={err('toAgencyId')}
          />
        </div>
      )}
      <TextField id="referral-chiefComplaint" label="主訴" required width="full" value={chiefComplaint} onChange={setChiefComplaint} error={err('chiefComplaint')} />
      <TextArea id="referral-content" label="相談内容" required rows={6} value={content} onChange={setContent} error={err('content')} />
      <TextArea
        id="referral-reason"
        label="つなぐ理由"
        required
        hint="つなぎ先に何をお願いしたいか、なぜこの機関なのかを書いてください。"
        rows={3}
        value={reason}
        onChange={setReason}
        error={err('reason')}
      />
      {personId ? (
        <Checkbox
          id="referral-consentConfirmed"
          label="情報共有について、本人の同意を確認しました"
          hint="本人を特定できる情報をつなぐには、つなぎ先が本人の同意（関係機関への情報提供）の範囲に含まれている必要があります。"
          checked={consentConfirmed}
          onChange={setConsentConfirmed}
          error={err('consentConfirmed')}
        />
      ) : (
        <p className="form__note">本人を特定しないつなぎのため、同意の確認は不要です。</p>
      )}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '送っています…' : 'つなぎを送る'}
        </button>
        <Link to={c ? `/consultations/${c.id}` : '/referrals'} className="button button--tertiary">
          キャンセル
        </Link>
      </div>
    </form>
  );
}

export function ReferralNewPage() {
  const [params] = useSearchParams();
  const consultationId = params.get('consultation');
  const personParam = params.get('person');
  const to = params.get('to') ?? '';
  const consultation = useApiData<ConsultationView>(consultationId ? `/api/v1/consultations/${encodeURIComponent(consultationId)}` : null);
  const personId = personParam ?? consultation.data?.person?.id ?? null;
  const person = useApiData<PersonDetail>(personId ? `/api/v1/persons/${encodeURIComponent(personId)}` : null);
  const [prefill, setPrefill] = useState<Prefill | null>(null);

  const consultationReady = !consultationId || consultation.data !== null;
  const personReady = !personId || person.data !== null || person.error !== null;
  useEffect(() => {
    if (!consultationReady || !personReady || prefill) return;
    const c = consultation.data;
    const target: Prefill['target'] = to && to !== 'coordination' ? 'agency' : 'coordination';
    const base: Prefill = { consultation: c, person: person.data, target, agencyId: target === 'agency' ? to : '', reason: '' };
    if (!c || c.issues.length === 0) {
      setPrefill(base);
      return;
    }
    // The reasons of the 交通整理 suggestion become the first draft of つなぐ理由.
    api
      .post<RoutingResult>('/api/v1/routing-suggestions', { issues: c.issues, ...(c.person ? { personId: c.person.id } : {}) })
      .then((r) => {
        const match = r.suggestions.find((s) => (target === 'agency' ? s.agency.id === to : s.agency.roles.includes('多機関協働')));
        setPrefill({ ...base, reason: match ? match.reasons.join('。') : '' });
      })
      .catch(() => setPrefill(base));
  }, [consultationReady, personReady, prefill, consultation.data, person.data, to]);

  return (
    <>
      <PageHeader
        title="つなぎの作成"
        breadcrumbs={CRUMBS}
        lead="共通様式で、相談を他の機関または多機関協働（地域福祉コーディネーター）へつなぎます。つなぎ先が受理すると、お知らせで届きます。"
      />
      {consultation.error ? <LoadError error={consultation.error} onRetry={consultation.reload} /> : prefill ? <ReferralForm prefill={prefill} /> : <Loading />}
    </>
  );
}
