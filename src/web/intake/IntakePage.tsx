import { useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ageOn } from '../../shared/date-input.ts';
import { CHANNELS, CONSULTER_TYPES, RESPONSES, URGENCIES, URGENT_FLAGS } from '../../shared/issues.ts';
import { useTaxonomy } from '../lib/taxonomy.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import {
  Checkbox,
  CheckboxGroup,
  clientErrors,
  ErrorSummary,
  fieldError,
  formErrorsFrom,
  RadioGroup,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../components/forms.tsx';
import { Notice } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useUser } from '../lib/session.tsx';
import type { ConsultationView, DuplicateCandidate, PersonDetail, PersonSummary } from '../lib/types.ts';
import { birthLabel, readBirthDate } from '../people/birthDate.ts';
import { ConsentBadges, METHOD_OPTIONS, PURPOSES, SCOPE_OPTIONS } from '../people/consent.tsx';
import { DuplicateCandidates } from '../people/DuplicateCandidates.tsx';
import { EMPTY_PERSON, PersonFields, toPersonInput, type PersonForm } from '../people/PersonFields.tsx';
import { duplicatesOf, lookForDuplicates } from '../people/registration.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { useAgencyOptions } from '../users/agencyOptions.ts';
import { IntakeTabs } from './IntakeTabs.tsx';
import { RoutingPanel, useRoutingSuggestions } from './RoutingPanel.tsx';

type PersonMode = 'existing' | 'new' | 'anonymous';

interface IntakeForm {
  receivedAt: string;
  channel: string;
  consulterType: string;
  consulterRelation: string;
  consulterName: string;
  personMode: PersonMode;
  householdId: string;
  subjectSummary: string;
  chiefComplaint: string;
  content: string;
  issues: string[];
  primaryIssue: string;
  urgentFlags: string[];
  urgency: string;
  response: string;
  consentStatus: string;
  consentPurposes: string[];
  consentScope: string;
  consentAgencyIds: string[];
  consentMethod: string;
  recordRefusal: boolean;
}

/** Now in Japan time, as a datetime-local value. */
function nowLocal(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 16);
}

const initialForm = (): IntakeForm => ({
  receivedAt: nowLocal(),
  channel: '',
  consulterType: '本人',
  consulterRelation: '',
  consulterName: '',
  personMode: 'existing',
  householdId: '',
  subjectSummary: '',
  chiefComplaint: '',
  content: '',
  issues: [],
  primaryIssue: '',
  urgentFlags: [],
  urgency: '通常',
  response: '',
  consentStatus: '未確認',
  consentPurposes: [...PURPOSES],
  consentScope: 'all',
  consentAgencyIds: [],
  consentMethod: '',
  recordRefusal: false,
});

const opts = (values: readonly string[]) => values.map((v) => ({ value: v, label: v }));
const PERSON_MODES = [
  { value: 'existing', label: '登録済みの人を探す' },
  { value: 'new', label: '新しく登録する' },
  { value: 'anonymous', label: '匿名・本人を特定しない' },
];
const CONSENT_OPTIONS = [
  { value: 'あり', label: '同意あり', hint: '情報共有について本人の同意を得た' },
  { value: 'なし', label: '同意なし', hint: '本人が同意しなかった（拒否を記録できます）' },
  { value: '未確認', label: '未確認', hint: 'まだ確認していない' },
];

/** API field names → the element the error summary moves focus to. */
function idFor(field: string): string | null {
  const radios: Record<string, string> = {
    channel: 'intake-channel-0',
    consulterType: 'intake-consulterType-0',
    anonymous: 'intake-personMode-0',
    issues: 'intake-issues-0',
    primaryIssue: 'intake-primaryIssue-0',
    urgency: 'intake-urgency-0',
    urgentFlags: 'intake-urgentFlags-0',
    response: 'intake-response-0',
    consentStatus: 'intake-consentStatus-0',
    consent: 'intake-consentPurposes-0',
    consent_purposes: 'intake-consentPurposes-0',
    consent_scopeKind: 'intake-consentScope-0',
    consent_agencyIds: 'intake-consentAgencies-0',
    consent_method: 'intake-consentMethod-0',
    newPerson: 'intake-new-name',
    newPerson_gender: 'intake-new-gender-0',
    personId: 'intake-person-search',
  };
  if (radios[field]) return radios[field];
  if (field.startsWith('newPerson_')) return `intake-new-${field.slice('newPerson_'.length)}`;
  return `intake-${field}`;
}

/** "newPerson.birthDate" → "newPerson_birthDate", so the summary keeps one line per field. */
function flattenFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    const flat = key.replace(/^(newPerson|consent)\.([^.]+).*$/, '$1_$2');
    if (!out[flat]) out[flat] = message;
  }
  return out;
}

export function IntakePage() {
  const user = useUser();
  const taxonomy = useTaxonomy();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, setForm] = useState<IntakeForm>(initialForm);
  const [person, setPerson] = useState<PersonSummary | null>(null);
  const [households, setHouseholds] = useState<PersonDetail['households']>([]);
  const [newPerson, setNewPerson] = useState<PersonForm>(EMPTY_PERSON);
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[] | null>(null);
  const [pickedNotice, setPickedNotice] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const agencies = useAgencyOptions();

  const set =
    <K extends keyof IntakeForm>(key: K) =>
    (value: IntakeForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const err = (name: string) => fieldError(errors, name);

  // Start from a person's page: "この人の相談を受け付ける".
  const presetPerson = params.get('person');
  useEffect(() => {
    if (!presetPerson) return;
    api
      .get<PersonDetail>(`/api/v1/persons/${encodeURIComponent(presetPerson)}`)
      .then((p) => {
        setPerson(p);
        setHouseholds(p.households);
      })
      .catch(() => setPerson(null));
  }, [presetPerson]);

  const pick = (p: PersonSummary) => {
    setPerson(p);
    setHouseholds([]);
    setForm((f) => ({ ...f, personMode: 'existing', householdId: '' }));
    setDuplicates(null);
    api
      .get<PersonDetail>(`/api/v1/persons/${p.id}`)
      .then((detail) => setHouseholds(detail.households))
      .catch(() => setHouseholds([]));
  };

  const changeNewPerson = (next: PersonForm) => {
    // A changed identity needs a fresh look for duplicates.
    if (next.name !== newPerson.name || next.nameKana !== newPerson.nameKana || next.birthDate !== newPerson.birthDate) setDuplicates(null);
    setNewPerson(next);
  };

  const setIssues = (issues: string[]) =>
    setForm((f) => ({
      ...f,
      issues,
      primaryIssue: issues.includes(f.primaryIssue) ? f.primaryIssue : issues.length === 1 ? issues[0]! : '',
    }));

  const setConsulterType = (value: string) =>
    setForm((f) => ({
      ...f,
      consulterType: value,
      // An anonymous caller is usually about an unnamed person.
      personMode: value === '匿名' && !person && f.personMode === 'existing' ? 'anonymous' : f.personMode,
    }));

  const birth = readBirthDate(newPerson.birthDate);
  const routingRequest = useMemo(
    () =>
      form.personMode === 'existing' && person
        ? { issues: form.issues, personId: person.id }
        : form.personMode === 'new'
          ? {
              issues: form.issues,
              age: birth.iso && !birth.problem ? ageOn(birth.iso) : null,
              address: newPerson.address.trim() || null,
            }
          : { issues: form.issues },
    [form.issues, form.personMode, person, birth.iso, birth.problem, newPerson.address],
  );
  const routing = useRoutingSuggestions(routingRequest);

  const urgent = form.urgentFlags.length > 0;
  const hasPerson = (form.personMode === 'existing' && person !== null) || form.personMode === 'new';

  const localProblems = (): Record<string, string> => {
    const p: Record<string, string> = {};
    if (!form.receivedAt) p.receivedAt = '受付日時：入力してください';
    if (!form.channel) p.channel = '相談経路を選んでください';
    if (!form.consulterType) p.consulterType = '相談者を選んでください';
    if (form.consulterType === '家族' && !form.consulterRelation.trim()) p.consulterRelation = '相談者の続柄を入力してください（例：長女、妻）';
    if (form.personMode === 'existing' && !person) {
      p.personId = '本人を探して選んでください（見つからないときは「新しく登録する」、わからないときは「匿名・本人を特定しない」）';
    }
    if (form.personMode === 'new') {
      if (!newPerson.name.trim()) p.newPerson_name = '氏名を入力してください';
      if (birth.problem) p.newPerson_birthDate = `生年月日：${birth.problem}`;
    }
    if (!form.chiefComplaint.trim()) p.chiefComplaint = '主訴を入力してください';
    if (!form.response) p.response = '対応を選んでください';
    if (form.consentStatus === 'あり' || (form.consentStatus === 'なし' && form.recordRefusal)) {
      if (!hasPerson) p.consentStatus = '同意を記録するには、本人を選ぶか新しく登録してください';
      if (form.consentPurposes.length === 0) p.consent_purposes = '同意の目的を1つ以上選んでください';
      if (!form.consentMethod) p.consent_method = form.consentStatus === 'あり' ? '同意の方法を選んでください' : '確認の方法を選んでください';
      if (form.consentStatus === 'あり' && form.consentScope === 'listed' && form.consentAgencyIds.length === 0) {
        p.consent_agencyIds = '情報提供先の機関を1つ以上選んでください';
      }
    }
    return p;
  };

  const body = (confirmNew: boolean) => {
    const recordConsent = form.consentStatus === 'あり' || (form.consentStatus === 'なし' && form.recordRefusal);
    return {
      receivedAt: `${form.receivedAt}:00+09:00`,
      channel: form.channel,
      consulterType: form.consulterType,
      consulterRelation: form.consulterType === '家族' ? form.consulterRelation.trim() || null : null,
      consulterName: form.consulterName.trim() || null,
      ...(form.personMode === 'existing' && person ? { personId: person.id, householdId: form.householdId || null } : {}),
      ...(form.personMode === 'new' ? { newPerson: toPersonInput(newPerson, confirmNew) } : {}),
      anonymous: form.personMode === 'anonymous',
      subjectSummary: form.personMode === 'anonymous' ? form.subjectSummary.trim() || null : null,
      chiefComplaint: form.chiefComplaint.trim(),
      content: form.content,
      issues: form.issues,
      primaryIssue: form.primaryIssue || null,
      urgency: urgent ? '緊急' : form.urgency,
      urgentFlags: form.urgentFlags,
      response: form.response,
      consentStatus: form.consentStatus,
      ...(recordConsent && hasPerson
        ? {
            consent: {
              purposes: form.consentPurposes,
              scopeKind: form.consentStatus === 'あり' ? form.consentScope : 'all',
              agencyIds: form.consentStatus === 'あり' && form.consentScope === 'listed' ? form.consentAgencyIds : [],
              method: form.consentMethod,
            },
          }
        : {}),
    };
  };

  const save = async (confirmNew: boolean) => {
    const problems = localProblems();
    if (Object.keys(problems).length) {
      setErrors(clientErrors(problems));
      return;
    }
    setBusy(true);
    setErrors(null);
    try {
      if (form.personMode === 'new' && !confirmNew) {
        const found = await lookForDuplicates(newPerson);
        if (found.length > 0) {
          setDuplicates(found);
          setBusy(false);
          return;
        }
      }
      const saved = await api.post<ConsultationView>('/api/v1/consultations', body(confirmNew));
      navigate(`/consultations/${saved.id}`, { state: { saved: true } });
    } catch (error) {
      const candidates = duplicatesOf(error);
      if (candidates) {
        setDuplicates(candidates);
      } else {
        const found = formErrorsFrom(error);
        setErrors({ ...found, fields: flattenFields(found.fields) });
      }
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(false);
  };

  // Enter in a one-line box must not save half a record; Ctrl+Enter saves from anywhere.
  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== 'Enter') return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      event.currentTarget.requestSubmit();
      return;
    }
    if (event.target instanceof HTMLInputElement) event.preventDefault();
  };

  return (
    <>
      <PageHeader
        title="相談受付"
        lead="どの窓口でも、どのような相談でも受け止めて記録します。必須は相談経路・相談者・主訴・対応だけです。わかる範囲で入力してください。"
      />
      <IntakeTabs />
      <div className="intake-layout">
        <form onSubmit={submit} onKeyDown={onKeyDown} noValidate className="form intake" aria-label="相談受付票">
          <ErrorSummary errors={errors} idFor={idFor} />
          <p className="form__note">
            <span className="required-mark">必須</span> の項目は必ず入力してください。1行の入力欄で Enter キーを押しても保存されません。Ctrl
            キーを押しながら Enter キーで保存できます。
          </p>

          <section className="form-section" aria-labelledby="intake-sec-reception">
            <h2 id="intake-sec-reception" className="form-section__title">
              受付
            </h2>
            <div className="field-row">
              <TextField
                id="intake-receivedAt"
                label="受付日時"
                type="datetime-local"
                width="medium"
                required
                value={form.receivedAt}
                onChange={set('receivedAt')}
                error={err('receivedAt')}
              />
              <div className="field field--static">
                <p className="field__label">受付機関・受付者</p>
                <p className="static-value">
                  {user.agencyName}
                  <span className="sep" aria-hidden="true">
                    ｜
                  </span>
                  {user.name}
                </p>
              </div>
            </div>
            <RadioGroup id="intake-channel" legend="相談経路" required options={opts(CHANNELS)} value={form.channel} onChange={set('channel')} error={err('channel')} />
            <RadioGroup
              id="intake-consulterType"
              legend="相談者"
              required
              options={opts(CONSULTER_TYPES)}
              value={form.consulterType}
              onChange={setConsulterType}
              error={err('consulterType')}
            />
            {(form.consulterType === '家族' || form.consulterType === '関係者') && (
              <div className="field-row conditional">
                {form.consulterType === '家族' && (
                  <TextField
                    id="intake-consulterRelation"
                    label="続柄"
                    required
                    hint="本人から見た続柄（例：長女、妻、母）"
                    width="short"
                    value={form.consulterRelation}
                    onChange={set('consulterRelation')}
                    error={err('consulterRelation')}
                  />
                )}
                <TextField
                  id="intake-consulterName"
                  label={form.consulterType === '家族' ? '相談者の氏名' : '相談者の氏名・所属'}
                  hint={form.consulterType === '関係者' ? '例：民生委員 山田さん、○○病院 医療ソーシャルワーカー' : undefined}
                  width="medium"
                  value={form.consulterName}
                  onChange={set('consulterName')}
                  error={err('consulterName')}
                />
              </div>
            )}
          </section>

          <section className="form-section" aria-labelledby="intake-sec-person">
            <h2 id="intake-sec-person" className="form-section__title">
              本人
            </h2>
            <RadioGroup
              id="intake-personMode"
              legend="本人の記録"
              options={PERSON_MODES}
              value={form.personMode}
              onChange={(v) => {
                set('personMode')(v as PersonMode);
                setDuplicates(null);
              }}
              error={err('anonymous')}
            />
            {pickedNotice && (
              <Notice tone="success">
                <p>{pickedNotice}</p>
              </Notice>
            )}
            {form.personMode === 'existing' &&
              (person ? (
                <div className="picked-person">
                  <div>
                    <p className="picked-person__name">
                      <Link to={`/persons/${person.id}`} target="_blank" rel="noopener">
                        {person.displayName}
                        <span className="visually-hidden">（新しいタブで開きます）</span>
                      </Link>
                      {person.nameKana && <span className="picked-person__kana">{person.nameKana}</span>}
                    </p>
                    <p className="picked-person__meta">
                      {birthLabel(person) || '生年月日不明'}
                      {person.address ? `｜${person.address}` : ''}
                    </p>
                    <ConsentBadges consent={person.consent} />
                    {person.contactCaution && (
                      <p className="caution-inline">
                        <strong>連絡上の注意：</strong>
                        {person.contactCaution}
                      </p>
                    )}
                  </div>
                  <button
                    type="button"
                    className="button button--tertiary button--small"
                    onClick={() => {
                      setPerson(null);
                      setPickedNotice(null);
                    }}
                  >
                    選び直す
                  </button>
                </div>
              ) : (
                <PersonPicker id="intake-person-search" onPick={pick} error={err('personId')} />
              ))}
            {form.personMode === 'existing' && person && households.length > 0 && (
              <SelectField
                id="intake-householdId"
                label="世帯"
                hint="世帯全体の相談として記録するときに選びます。"
                placeholder="世帯を指定しない"
                options={households.map((h) => ({ value: h.id, label: `${h.name}（${h.relationship}）` }))}
                value={form.householdId}
                onChange={set('householdId')}
                error={err('householdId')}
              />
            )}
            {form.personMode === 'new' && (
              <>
                <PersonFields idPrefix="intake-new" form={newPerson} onChange={changeNewPerson} err={(f) => err(`newPerson_${f}`)} />
                {duplicates && duplicates.length > 0 && (
                  <DuplicateCandidates
                    candidates={duplicates}
                    onPick={(p) => {
                      pick(p);
                      setPickedNotice(`${p.displayName}さん（登録済み）を本人として選びました。内容を確認して保存してください。`);
                    }}
                    onConfirmNew={() => {
                      setDuplicates(null);
                      void save(true);
                    }}
                    confirmLabel="別の人として登録し、受付を保存する"
                  />
                )}
              </>
            )}
            {form.personMode === 'anonymous' && (
              <TextField
                id="intake-subjectSummary"
                label="本人の特徴"
                hint="わかる範囲で（例：本町の50代男性、母親と二人暮らし）。氏名がわかったら後から登録できます。"
                value={form.subjectSummary}
                onChange={set('subjectSummary')}
                error={err('subjectSummary')}
              />
            )}
          </section>

          <section className="form-section" aria-labelledby="intake-sec-content">
            <h2 id="intake-sec-content" className="form-section__title">
              相談の内容
            </h2>
            <TextField
              id="intake-chiefComplaint"
              label="主訴"
              required
              hint="本人・相談者が一番困っていること（一文で）"
              width="full"
              value={form.chiefComplaint}
              onChange={set('chiefComplaint')}
              error={err('chiefComplaint')}
            />
            <TextArea id="intake-content" label="相談内容" rows={5} value={form.content} onChange={set('content')} error={err('content')} />
            <CheckboxGroup
              id="intake-issues"
              legend="課題"
              hint="当てはまるものをすべて選んでください。選んだ課題から、右の「交通整理」につなぎ先の候補が表示されます。"
              options={opts(taxonomy.issues)}
              values={form.issues}
              onChange={setIssues}
              error={err('issues')}
              inline
            />
            {form.issues.length > 0 && (
              <div className="primary-issue">
                <RadioGroup
                  id="intake-primaryIssue"
                  legend={
                    <>
                      <span aria-hidden="true">◎ </span>最も重要な課題
                    </>
                  }
                  hint="選んだ課題のうち、最も差し迫っているものを1つ選びます。"
                  options={form.issues.map((i) => ({ value: i, label: i }))}
                  value={form.primaryIssue}
                  onChange={set('primaryIssue')}
                  error={err('primaryIssue')}
                />
              </div>
            )}
          </section>

          <section className={`form-section urgent${urgent ? ' urgent--on' : ''}`} aria-labelledby="intake-sec-urgent">
            <h2 id="intake-sec-urgent" className="form-section__title urgent__title">
              緊急の兆候
            </h2>
            <CheckboxGroup
              id="intake-urgentFlags"
              legend="次のような兆候がありますか"
              hint="ひとつでも当てはまるときは選んでください。緊急度は「緊急」になります。"
              options={opts(URGENT_FLAGS)}
              values={form.urgentFlags}
              onChange={set('urgentFlags')}
              error={err('urgentFlags')}
            />
            {urgent && (
              <Notice tone="error" title="保存すると、地域福祉コーディネーターと事務局にすぐ通知されます">
                <p>命や身体に危険があるときは、ためらわずに110番・119番へ通報してください。上司・コーディネーターにも口頭で伝えてください。</p>
              </Notice>
            )}
            <RadioGroup
              id="intake-urgency"
              legend="緊急度"
              hint={urgent ? '緊急の兆候があるため「緊急」になります。' : undefined}
              options={opts(URGENCIES)}
              value={urgent ? '緊急' : form.urgency}
              onChange={set('urgency')}
              disabled={urgent}
              error={err('urgency')}
            />
          </section>

          <section className="form-section" aria-labelledby="intake-sec-response">
            <h2 id="intake-sec-response" className="form-section__title">
              対応と同意
            </h2>
            <RadioGroup
              id="intake-response"
              legend="対応"
              required
              inline={false}
              options={opts(RESPONSES)}
              value={form.response}
              onChange={set('response')}
              error={err('response')}
            />
            <RadioGroup
              id="intake-consentStatus"
              legend="同意の有無（情報共有について）"
              hint={form.personMode === 'anonymous' ? '匿名の相談では同意は記録できません。' : undefined}
              options={CONSENT_OPTIONS}
              value={form.consentStatus}
              onChange={set('consentStatus')}
              error={err('consentStatus')}
            />
            {form.consentStatus === 'なし' && (
              <div className="conditional">
                <Checkbox
                  id="intake-recordRefusal"
                  label="本人が同意しなかったことを記録する"
                  hint="拒否も記録として残します（空欄にはしません）。後から同意を得たときは、本人のページで記録できます。"
                  checked={form.recordRefusal}
                  onChange={set('recordRefusal')}
                />
              </div>
            )}
            {(form.consentStatus === 'あり' || (form.consentStatus === 'なし' && form.recordRefusal)) && (
              <div className="conditional">
                <CheckboxGroup
                  id="intake-consentPurposes"
                  legend={form.consentStatus === 'あり' ? '同意の目的' : '同意しなかった目的'}
                  options={taxonomy.purposeOptions}
                  values={form.consentPurposes}
                  onChange={set('consentPurposes')}
                  error={err('consent_purposes') ?? err('consent')}
                  inline={false}
                />
                {form.consentStatus === 'あり' && (
                  <>
                    <RadioGroup
                      id="intake-consentScope"
                      legend="情報提供の範囲"
                      inline={false}
                      options={SCOPE_OPTIONS}
                      value={form.consentScope}
                      onChange={set('consentScope')}
                      error={err('consent_scopeKind')}
                    />
                    {form.consentScope === 'listed' && (
                      <CheckboxGroup
                        id="intake-consentAgencies"
                        legend="情報提供先の機関"
                        hint={agencies.error ?? '本人が情報提供に同意した機関をすべて選んでください。'}
                        options={agencies.options}
                        values={form.consentAgencyIds}
                        onChange={set('consentAgencyIds')}
                        error={err('consent_agencyIds')}
                        inline={false}
                        scroll
                      />
                    )}
                  </>
                )}
                <RadioGroup
                  id="intake-consentMethod"
                  legend={form.consentStatus === 'あり' ? '同意の方法' : '確認の方法'}
                  hint={form.consentStatus === 'あり' ? '書面のときは、署名済みの同意書を本人のページで添付できます。' : undefined}
                  options={METHOD_OPTIONS}
                  value={form.consentMethod}
                  onChange={set('consentMethod')}
                  error={err('consent_method')}
                />
              </div>
            )}
          </section>

          <div className="button-row intake__actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? '保存しています…' : '受付を保存する'}
            </button>
            <Link to="/" className="button button--tertiary">
              キャンセル
            </Link>
          </div>
        </form>
        <aside className="intake-layout__aside" aria-label="交通整理">
          <RoutingPanel
            titleId="intake-routing-title"
            {...routing}
            ownAgencyId={user.agencyId}
            empty={<p>課題を選ぶと、この自治体の振り分けルールから、つなぎ先の候補と理由が表示されます。</p>}
          />
        </aside>
      </div>
    </>
  );
}
