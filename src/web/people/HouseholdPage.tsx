import { useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { RELATIONSHIPS } from '../../shared/people.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { clientErrors, ErrorSummary, fieldError, formErrorsFrom, RadioGroup, SelectField, TextField, type FormErrors } from '../components/forms.tsx';
import { ConfirmAction, LoadError, Loading, Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import type { HouseholdView, PersonSummary } from '../lib/types.ts';
import { birthLabel, readBirthDate } from './birthDate.ts';
import { ConsentBadges } from './consent.tsx';
import { DuplicateCandidates } from './DuplicateCandidates.tsx';
import { EMPTY_PERSON, PersonFields, type PersonForm } from './PersonFields.tsx';
import { PersonPicker } from './PersonPicker.tsx';
import { usePersonRegistration } from './registration.ts';
import { Timeline } from './Timeline.tsx';

const CRUMBS = [{ label: '本人・世帯', to: '/persons' }];
const RELATIONSHIP_OPTIONS = RELATIONSHIPS.map((r) => ({ value: r, label: r }));
const MODES = [
  { value: 'existing', label: '登録済みの人を探す' },
  { value: 'new', label: '新しく登録する' },
];
const LIVING = [
  { value: 'true', label: '同居' },
  { value: 'false', label: '別居' },
];

function idFor(field: string): string {
  if (field === 'personId') return 'member-search';
  if (field === 'livingTogether') return 'member-living-0';
  if (field === 'gender') return 'member-new-gender-0';
  if (['name', 'nameKana', 'birthDate', 'address', 'phone', 'contactCaution'].includes(field)) return `member-new-${field}`;
  return `member-${field}`;
}

/** 世帯員の追加: someone already recorded, or a new person (名寄せ first). */
function AddMemberForm({ household, onAdded, onCancel }: { household: HouseholdView; onAdded: (h: HouseholdView, name: string) => void; onCancel: () => void }) {
  const [mode, setMode] = useState('existing');
  const [picked, setPicked] = useState<PersonSummary | null>(null);
  const [person, setPerson] = useState<PersonForm>(EMPTY_PERSON);
  const [relationship, setRelationship] = useState('');
  const [living, setLiving] = useState('true');
  const [situation, setSituation] = useState('');
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const { duplicates, setDuplicates, register } = usePersonRegistration();
  const err = (f: string) => fieldError(errors, f);

  const addPerson = async (personId: string, name: string) => {
    const next = await api.post<HouseholdView>(`/api/v1/households/${household.id}/members`, {
      personId,
      relationship,
      livingTogether: living === 'true',
      situation: situation.trim() || null,
    });
    onAdded(next, name);
  };

  const save = async (confirmNew: boolean) => {
    const problems: Record<string, string> = {};
    if (mode === 'existing' && !picked) problems.personId = '世帯員にする人を探して選んでください';
    if (mode === 'new' && !person.name.trim()) problems.name = '氏名を入力してください';
    if (mode === 'new' && readBirthDate(person.birthDate).problem) problems.birthDate = `生年月日：${readBirthDate(person.birthDate).problem}`;
    if (!relationship) problems.relationship = '続柄を選んでください';
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      if (mode === 'existing' && picked) {
        await addPerson(picked.id, picked.displayName);
      } else {
        const created = await register(person, confirmNew);
        if (!created) {
          setBusy(false);
          return;
        }
        await addPerson(created.id, created.displayName);
      }
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(false);
  };

  const memberIds = household.members.map((m) => m.personId);
  return (
    <form onSubmit={submit} noValidate className="form form--wide inline-form" aria-label="世帯員の追加">
      <h3 className="inline-form__title">世帯員を追加する</h3>
      <ErrorSummary errors={errors} idFor={idFor} />
      <RadioGroup
        id="member-mode"
        legend="追加する人"
        options={MODES}
        value={mode}
        onChange={(v) => {
          setMode(v);
          setDuplicates(null);
        }}
      />
      {mode === 'existing' &&
        (picked ? (
          <div className="picked-person">
            <div>
              <p className="picked-person__name">{picked.displayName}</p>
              <p className="picked-person__meta">{birthLabel(picked) || '生年月日不明'}</p>
              <ConsentBadges consent={picked.consent} />
            </div>
            <button type="button" className="button button--tertiary button--small" onClick={() => setPicked(null)}>
              選び直す
            </button>
          </div>
        ) : (
          <PersonPicker id="member-search" label="世帯員にする人を探す" excludeIds={memberIds} onPick={setPicked} error={err('personId')} />
        ))}
      {mode === 'new' && (
        <>
          <PersonFields
            idPrefix="member-new"
            form={person}
            onChange={(next) => {
              setPerson(next);
              setDuplicates(null);
            }}
            err={(f) => err(f)}
            withCaution
          />
          {duplicates && duplicates.length > 0 && (
            <DuplicateCandidates
              candidates={duplicates}
              pickLabel="この人を世帯員にする"
              onPick={(p) => {
                setMode('existing');
                setPicked(p);
                setDuplicates(null);
              }}
              onConfirmNew={() => void save(true)}
              confirmLabel="別の人として登録し、世帯員にする"
            />
          )}
        </>
      )}
      <div className="field-row">
        <SelectField
          id="member-relationship"
          label="続柄"
          required
          hint="世帯の「本人」から見た続柄"
          width="short"
          placeholder="選択してください"
          options={RELATIONSHIP_OPTIONS}
          value={relationship}
          onChange={setRelationship}
          error={err('relationship')}
        />
        <RadioGroup id="member-living" legend="同居・別居" options={LIVING} value={living} onChange={setLiving} error={err('livingTogether')} />
      </div>
      <TextField
        id="member-situation"
        label="状況"
        hint="例：長くひきこもっている、要介護2、別居して近くに住む"
        width="full"
        value={situation}
        onChange={setSituation}
        error={err('situation')}
      />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? '追加しています…' : '世帯員に追加する'}
        </button>
        <button type="button" className="button button--tertiary" onClick={onCancel}>
          やめる
        </button>
      </div>
    </form>
  );
}

export function HouseholdPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { data: h, error, reload, setData } = useApiData<HouseholdView>(`/api/v1/households/${encodeURIComponent(id)}`);
  const [adding, setAdding] = useState(false);
  const [flash, setFlash] = useState<string | null>((location.state as { flash?: string } | null)?.flash ?? null);
  const [revision, setRevision] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);

  if (error) {
    return (
      <>
        <PageHeader title="世帯" breadcrumbs={CRUMBS} />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!h) {
    return (
      <>
        <PageHeader title="世帯" breadcrumbs={CRUMBS} />
        <Loading />
      </>
    );
  }

  const remove = async (personId: string, name: string) => {
    try {
      setData(await api.delete<HouseholdView>(`/api/v1/households/${h.id}/members/${personId}`));
      setFlash(`${name}さんを世帯員から外しました。`);
      setProblem(null);
      setRevision((r) => r + 1);
    } catch (e) {
      setProblem(formErrorsFrom(e).message);
    }
  };

  return (
    <>
      <PageHeader
        title={h.name}
        breadcrumbs={CRUMBS}
        lead={
          <span className="detail-lead">
            <span>世帯</span>
            {h.address && <span>{h.address}</span>}
            <span>世帯員 {h.members.length + h.hiddenMembers}人</span>
          </span>
        }
      />
      {flash && (
        <Notice tone="success">
          <p>{flash}</p>
        </Notice>
      )}
      {problem && (
        <Notice tone="error">
          <p>{problem}</p>
        </Notice>
      )}
      <section className="panel patterns" aria-labelledby="household-patterns">
        <h2 id="household-patterns" className="panel__title">
          世帯の状況からの気づき
        </h2>
        {h.patterns.length === 0 ? (
          <p className="muted">8050・ダブルケア・ヤングケアラー・老老介護にあたる状況は見つかっていません（同居する世帯員の年齢と、相談の課題から判定します）。</p>
        ) : (
          <ul className="pattern-list">
            {h.patterns.map((p) => (
              <li key={p.pattern} className="pattern">
                <span className="pattern__name">{p.pattern}</span>
                <span className="pattern__reason">{p.reason}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="section" aria-labelledby="household-members">
        <h2 id="household-members">世帯員</h2>
        {h.hiddenMembers > 0 && (
          <Notice tone="info">
            <p>このほかに、閲覧できない世帯員が{h.hiddenMembers}人います（本人の同意の範囲に自機関が含まれていません）。</p>
          </Notice>
        )}
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">世帯員の一覧</caption>
            <thead>
              <tr>
                <th scope="col">氏名</th>
                <th scope="col">続柄</th>
                <th scope="col">同居・別居</th>
                <th scope="col">年齢</th>
                <th scope="col">状況</th>
                <th scope="col">
                  <span className="visually-hidden">操作</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {h.members.map((m) => (
                <tr key={m.personId}>
                  <td className="table__primary table__name">
                    <Link to={`/persons/${m.personId}`}>{m.displayName}</Link>
                  </td>
                  <td>{m.relationship}</td>
                  <td>{m.livingTogether ? '同居' : '別居'}</td>
                  <td className="nowrap">{m.age !== null ? `${m.age}歳` : <span className="muted">不明</span>}</td>
                  <td>{m.situation ?? <span className="muted">—</span>}</td>
                  <td>
                    <ConfirmAction
                      label="外す"
                      question={`${m.displayName}さんを世帯員から外しますか？本人の記録は残ります。`}
                      confirmLabel="世帯員から外す"
                      onConfirm={() => void remove(m.personId, m.displayName)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {adding ? (
          <AddMemberForm
            household={h}
            onAdded={(next, name) => {
              setData(next);
              setAdding(false);
              setFlash(`${name}さんを世帯員に追加しました。`);
              setRevision((r) => r + 1);
            }}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <div className="button-row section__actions">
            <button type="button" className="button button--secondary" onClick={() => setAdding(true)}>
              世帯員を追加する
            </button>
          </div>
        )}
      </section>
      <section className="section" aria-labelledby="household-timeline">
        <h2 id="household-timeline">世帯の経過</h2>
        <Timeline key={revision} path={`/api/v1/households/${h.id}/timeline`} showPerson />
      </section>
    </>
  );
}
