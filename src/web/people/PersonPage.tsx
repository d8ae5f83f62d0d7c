import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { RELATIONSHIPS } from '../../shared/people.ts';
import { formatDateTime } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Checkbox, clientErrors, ErrorSummary, fieldError, formErrorsFrom, SelectField, TextArea, TextField, type FormErrors } from '../components/forms.tsx';
import { DataList, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { DuplicateCandidate, HouseholdView, PersonDetail, PersonSummary } from '../lib/types.ts';
import { birthLabel } from './birthDate.ts';
import { ConsentBadges } from './consent.tsx';
import { ConsentSection } from './ConsentSection.tsx';
import { PersonPicker } from './PersonPicker.tsx';
import { Timeline } from './Timeline.tsx';
import { PersonCases } from '../cases/PersonCases.tsx';

const CRUMBS = [{ label: '本人・世帯', to: '/persons' }];
const RELATIONSHIP_OPTIONS = RELATIONSHIPS.map((r) => ({ value: r, label: r }));

/** 連絡上の注意, shown first and loudly (e.g. DV: do not call the home phone). */
export function ContactCaution({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <div className="caution" role="note" aria-labelledby="caution-title">
      <p id="caution-title" className="caution__title">
        連絡上の注意
      </p>
      <p className="caution__text multiline">{text}</p>
    </div>
  );
}

function AccessBasis({ person }: { person: PersonDetail }) {
  const { access } = person;
  if (access.emergency) {
    return (
      <Notice tone="warning" title="緊急時の閲覧（生命・身体の保護）で表示しています">
        <p>この閲覧は監査ログに記録され、事務局に通知されています。必要な範囲を超えて閲覧・利用しないでください。</p>
      </Notice>
    );
  }
  if (access.level === 'referral') {
    return (
      <Notice tone="info" title="つなぎを受けた範囲で表示しています">
        <p>
          受けたつなぎで共有された、本人を特定する情報（氏名・生年月日・連絡先）だけを表示しています。相談の内容・世帯・同意の詳細は、本人の同意の範囲に自機関が含まれると表示されます。
        </p>
        <p>
          命や身体に危険があり、すぐに情報が必要なときは <Link to={`/emergency-access?person=${person.id}`}>緊急時の閲覧</Link> の手続きを行ってください。
        </p>
      </Notice>
    );
  }
  return <p className="access-basis">閲覧の根拠：{access.reasons.join('・')}</p>;
}

function NewHouseholdForm({ person, onCancel }: { person: PersonDetail; onCancel: () => void }) {
  const navigate = useNavigate();
  const surname = (person.name ?? '').split(/[\s\u3000]/)[0] ?? '';
  const [name, setName] = useState(surname ? `${surname}さん世帯` : '');
  const [relationship, setRelationship] = useState('本人');
  const [livingTogether, setLivingTogether] = useState(true);
  const [address, setAddress] = useState(person.address ?? '');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setErrors(clientErrors({ name: '世帯名を入力してください' }));
      return;
    }
    setBusy(true);
    try {
      const created = await api.post<HouseholdView>('/api/v1/households', {
        name: name.trim(),
        address: address.trim() || null,
        members: [{ personId: person.id, relationship, livingTogether }],
      });
      navigate(`/households/${created.id}`, { state: { flash: '世帯を登録しました。続けて世帯員を追加してください。' } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="form inline-form" aria-label="世帯の登録">
      <h3 className="inline-form__title">世帯を登録する</h3>
      <ErrorSummary errors={errors} idFor={(f) => (f === 'members' ? 'household-relationship' : `household-${f}`)} />
      <TextField id="household-name" label="世帯名" required width="medium" value={name} onChange={setName} error={fieldError(errors, 'name')} />
      <TextField id="household-address" label="世帯の住所" value={address} onChange={setAddress} error={fieldError(errors, 'address')} />
      <SelectField
        id="household-relationship"
        label={`${person.displayName}さんの続柄`}
        hint="世帯の中心となる人（世帯主・相談の中心の人）を「本人」とします。"
        width="short"
        options={RELATIONSHIP_OPTIONS}
        value={relationship}
        onChange={setRelationship}
        error={fieldError(errors, 'members')}
      />
      <Checkbox id="household-livingTogether" label="同居している" checked={livingTogether} onChange={setLivingTogether} />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          世帯を登録する
        </button>
        <button type="button" className="button button--tertiary" onClick={onCancel}>
          やめる
        </button>
      </div>
    </form>
  );
}

function HouseholdsSection({ person }: { person: PersonDetail }) {
  const [adding, setAdding] = useState(false);
  return (
    <section className="panel" aria-labelledby="person-households">
      <h2 id="person-households" className="panel__title">
        世帯
      </h2>
      {person.households.length === 0 ? (
        <p className="muted">世帯は登録されていません。</p>
      ) : (
        <ul className="plain-list">
          {person.households.map((h) => (
            <li key={h.id}>
              <Link to={`/households/${h.id}`}>{h.name}</Link>
              <span className="muted">
                （続柄：{h.relationship}・{h.livingTogether ? '同居' : '別居'}）
              </span>
            </li>
          ))}
        </ul>
      )}
      {adding ? (
        <NewHouseholdForm person={person} onCancel={() => setAdding(false)} />
      ) : (
        <div className="button-row">
          <button type="button" className="button button--secondary button--small" onClick={() => setAdding(true)}>
            世帯を登録する
          </button>
        </div>
      )}
    </section>
  );
}

/** 名寄せ: records linked as the same person (reversible, audited), likely candidates, and linking one. */
function LinksSection({ person, onChanged }: { person: PersonDetail; onChanged: (p: PersonDetail) => void }) {
  const [candidate, setCandidate] = useState<PersonSummary | null>(null);
  const [reason, setReason] = useState('');
  const [unlinking, setUnlinking] = useState<string | null>(null);
  const [unlinkReason, setUnlinkReason] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [suggested, setSuggested] = useState<DuplicateCandidate[]>([]);
  const linkedIds = person.links.map((l) => l.otherPersonId);

  useEffect(() => {
    const body = {
      ...(person.name ? { name: person.name } : {}),
      ...(person.nameKana ? { nameKana: person.nameKana } : {}),
      ...(person.birthDate ? { birthDate: person.birthDate } : {}),
      ...(person.phone ? { phone: person.phone } : {}),
    };
    if (Object.keys(body).length === 0) return;
    api
      .post<{ items: DuplicateCandidate[] }>('/api/v1/persons/duplicates', body)
      .then((r) => setSuggested(r.items))
      .catch(() => setSuggested([]));
  }, [person.name, person.nameKana, person.birthDate, person.phone]);

  const link = async (event: FormEvent) => {
    event.preventDefault();
    if (!candidate) return;
    if (!reason.trim()) {
      setErrors(clientErrors({ reason: '紐付ける理由を入力してください' }));
      return;
    }
    try {
      const next = await api.post<PersonDetail>(`/api/v1/persons/${person.id}/links`, { otherPersonId: candidate.id, reason: reason.trim() });
      setCandidate(null);
      setReason('');
      setErrors(null);
      setFlash(`${candidate.displayName}さんの登録と、同一人物として紐付けました。`);
      onChanged(next);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  const unlink = async (event: FormEvent) => {
    event.preventDefault();
    if (!unlinking) return;
    if (!unlinkReason.trim()) {
      setErrors(clientErrors({ unlinkReason: '解除する理由を入力してください' }));
      return;
    }
    try {
      await api.post(`/api/v1/person-links/${unlinking}/unlink`, { reason: unlinkReason.trim() });
      setUnlinking(null);
      setUnlinkReason('');
      setErrors(null);
      setFlash('紐付けを解除しました。');
      onChanged(await api.get<PersonDetail>(`/api/v1/persons/${person.id}`));
    } catch (error) {
      setErrors(formErrorsFrom(error));
    }
  };

  const others = suggested.filter((d) => d.person.id !== person.id && !linkedIds.includes(d.person.id));
  return (
    <section className="panel" aria-labelledby="person-links">
      <h2 id="person-links" className="panel__title">
        同一人物の紐付け（名寄せ）
      </h2>
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      <ErrorSummary errors={errors} idFor={(f) => (f === 'unlinkReason' ? 'unlink-reason' : 'link-reason')} />
      {person.links.length === 0 ? (
        <p className="muted">紐付けられた登録はありません。</p>
      ) : (
        <ul className="plain-list">
          {person.links.map((l) => (
            <li key={l.id} className="link-item">
              {l.otherDisplayName ? <Link to={`/persons/${l.otherPersonId}`}>{l.otherDisplayName}</Link> : <span>閲覧できない登録</span>}
              <span className="muted">
                （{formatDateTime(l.linkedAt)}・理由：{l.reason ?? '—'}）
              </span>{' '}
              {unlinking === l.id ? (
                <form onSubmit={unlink} noValidate className="inline-form inline-form--warning">
                  <TextField id="unlink-reason" label="解除する理由" required value={unlinkReason} onChange={setUnlinkReason} error={fieldError(errors, 'unlinkReason') ?? fieldError(errors, 'reason')} />
                  <div className="button-row">
                    <button type="submit" className="button button--danger button--small">
                      紐付けを解除する
                    </button>
                    <button type="button" className="button button--tertiary button--small" onClick={() => setUnlinking(null)}>
                      やめる
                    </button>
                  </div>
                </form>
              ) : (
                <button type="button" className="link-button" onClick={() => setUnlinking(l.id)}>
                  解除
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && !candidate && (
        <div className="link-suggestions">
          <p className="link-suggestions__title">同一人物の可能性がある登録</p>
          <ul className="plain-list">
            {others.map((d) => (
              <li key={d.person.id}>
                <Link to={`/persons/${d.person.id}`}>{d.person.displayName}</Link>{' '}
                <span className="muted">
                  {birthLabel(d.person)}・一致度 {Math.round(d.score * 100)}%（{d.reasons.join('・')}）
                </span>{' '}
                <button type="button" className="link-button" onClick={() => setCandidate(d.person)}>
                  紐付ける<span className="visually-hidden">（{d.person.displayName}）</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {candidate ? (
        <form onSubmit={link} noValidate className="form inline-form" aria-label="同一人物として紐付ける">
          <h3 className="inline-form__title">{candidate.displayName}さんの登録と紐付ける</h3>
          <p className="muted">
            {birthLabel(candidate)}
            {candidate.address ? `｜${candidate.address}` : ''}
          </p>
          <TextArea id="link-reason" label="紐付ける理由" required hint="例：生年月日と住所が一致し、本人に確認した" rows={2} value={reason} onChange={setReason} error={fieldError(errors, 'reason')} />
          <div className="button-row">
            <button type="submit" className="button button--primary">
              同一人物として紐付ける
            </button>
            <button type="button" className="button button--tertiary" onClick={() => setCandidate(null)}>
              やめる
            </button>
          </div>
        </form>
      ) : (
        <details className="history-details">
          <summary>ほかの登録を探して紐付ける</summary>
          <PersonPicker id="link-search" label="紐付ける登録を探す" excludeIds={[person.id, ...linkedIds]} onPick={setCandidate} />
        </details>
      )}
    </section>
  );
}

function FullView({ person, setPerson, reloadSummary }: { person: PersonDetail; setPerson: (p: PersonDetail) => void; reloadSummary: () => void }) {
  // A new consent version also appears in the timeline.
  const [revision, setRevision] = useState(0);
  return (
    <div className="detail-grid">
      <ConsentSection
        person={person}
        onChanged={() => {
          reloadSummary();
          setRevision((r) => r + 1);
        }}
      />
      <HouseholdsSection person={person} />
      <PersonCases personId={person.id} />
      <LinksSection person={person} onChanged={setPerson} />
      <section className="panel panel--wide" aria-labelledby="person-timeline">
        <h2 id="person-timeline" className="panel__title">
          経過（相談・つなぎ・同意）
        </h2>
        <Timeline key={revision} path={`/api/v1/persons/${person.id}/timeline`} />
      </section>
    </div>
  );
}

export function PersonPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const flash = (location.state as { flash?: string } | null)?.flash;
  const { data: person, error, reload, setData } = useApiData<PersonDetail>(`/api/v1/persons/${encodeURIComponent(id)}`);

  // Links to "#consent" (timeline, the referral form) open the consent section.
  const loaded = person !== null;
  useEffect(() => {
    if (!loaded || location.hash !== '#consent') return;
    const timer = setTimeout(() => {
      const target = document.getElementById('consent');
      target?.scrollIntoView({ block: 'start' });
      target?.focus({ preventScroll: true });
    }, 50);
    return () => clearTimeout(timer);
  }, [loaded, location.hash]);

  if (error) {
    return (
      <>
        <PageHeader title="本人の記録" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
        {error.status === 404 && (
          <p>
            閲覧できない記録の可能性があります。命や身体に危険があり、すぐに情報が必要なときは
            <Link to={`/emergency-access?person=${encodeURIComponent(id)}`}>緊急時の閲覧</Link>の手続きを行ってください。
          </p>
        )}
      </>
    );
  }
  if (!person) {
    return (
      <>
        <PageHeader title="本人の記録" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }
  const full = person.access.level === 'full';
  return (
    <>
      <PageHeader
        title={person.displayName}
        breadcrumbs={CRUMBS}
        lead={
          <span className="detail-lead">
            {person.nameKana && <span className="detail-lead__kana">{person.nameKana}</span>}
            <ConsentBadges consent={person.consent} />
          </span>
        }
        actions={
          full && (
            <>
              <Link to={`/intake?person=${person.id}`} className="button button--primary">
                この人の相談を受け付ける
              </Link>
              <Link to={`/persons/${person.id}/edit`} className="button button--secondary">
                編集
              </Link>
            </>
          )
        }
      />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      <ContactCaution text={person.contactCaution} />
      <AccessBasis person={person} />
      <section className="panel identity" aria-labelledby="person-identity">
        <h2 id="person-identity" className="panel__title">
          本人の情報
        </h2>
        <DataList
          rows={[
            { label: '氏名', value: person.name ?? (person.alias ? `（${person.alias}）` : null) },
            { label: '氏名（カナ）', value: person.nameKana },
            { label: '生年月日', value: person.birthDate ? birthLabel(person) : person.ageBand },
            { label: '性別', value: person.gender },
            { label: '住所', value: person.address },
            { label: '電話番号', value: person.phone },
            ...(full
              ? [
                  { label: '登録した機関', value: person.registeredByAgencyName },
                  {
                    label: '本人ID',
                    value: (
                      <>
                        <code className="person-id">{person.id}</code>
                        <span className="table__sub">他機関に緊急時の閲覧を依頼するときに伝えるIDです。</span>
                      </>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </section>
      {full ? (
        <FullView person={person} setPerson={setData} reloadSummary={reload} />
      ) : (
        <p className="back-link">
          <Link to="/referrals">つなぎの一覧へ戻る</Link>
        </p>
      )}
    </>
  );
}
