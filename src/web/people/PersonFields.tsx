import { GENDERS } from '../../shared/people.ts';
import { RadioGroup, TextArea, TextField } from '../components/forms.tsx';
import { readBirthDate } from './birthDate.ts';

/** The fields of a new 本人 as typed (converted to the API's person input on save). */
export interface PersonForm {
  name: string;
  nameKana: string;
  birthDate: string;
  gender: string;
  address: string;
  phone: string;
  contactCaution: string;
}

export const EMPTY_PERSON: PersonForm = {
  name: '',
  nameKana: '',
  birthDate: '',
  gender: '',
  address: '',
  phone: '',
  contactCaution: '',
};

const GENDER_OPTIONS = GENDERS.map((g) => ({ value: g, label: g }));
const text = (value: string) => (value.trim() === '' ? null : value.trim());

/** The API's person input. The birth date goes as typed when it cannot be read, so the server names the problem. */
export function toPersonInput(form: PersonForm, confirmNotDuplicate = false) {
  const reading = readBirthDate(form.birthDate);
  return {
    name: text(form.name),
    nameKana: text(form.nameKana),
    birthDate: reading.iso ?? text(form.birthDate),
    ...(form.gender ? { gender: form.gender } : {}),
    address: text(form.address),
    phone: text(form.phone),
    contactCaution: text(form.contactCaution),
    ...(confirmNotDuplicate ? { confirmNotDuplicate: true } : {}),
  };
}

/** What /persons/duplicates compares (only what was typed). */
export function duplicateQuery(form: PersonForm) {
  const reading = readBirthDate(form.birthDate);
  return {
    ...(text(form.name) ? { name: text(form.name) } : {}),
    ...(text(form.nameKana) ? { nameKana: text(form.nameKana) } : {}),
    ...(reading.iso && !reading.problem ? { birthDate: reading.iso } : {}),
    ...(text(form.phone) ? { phone: text(form.phone) } : {}),
    ...(text(form.address) ? { address: text(form.address) } : {}),
  };
}

/** Enough typed to look for duplicates: a name or kana, or a birth date with a phone. */
export function worthCheckingDuplicates(form: PersonForm): boolean {
  return Boolean(form.name.trim() || form.nameKana.trim());
}

/** 生年月日: 西暦 or 和暦 as staff type it, with a live preview "1945年8月15日（昭和20年）・81歳". */
export function BirthDateField({
  id,
  value,
  onChange,
  error,
  label = '生年月日',
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  label?: string;
}) {
  const reading = readBirthDate(value);
  return (
    <TextField
      id={id}
      label={label}
      hint="西暦でも和暦でも入力できます（例：1945-08-15、昭和20年8月15日、S20.8.15）。"
      width="medium"
      autoComplete="off"
      value={value}
      onChange={onChange}
      error={error}
      after={
        <p className={`date-preview${reading.problem ? ' date-preview--problem' : ''}`} aria-live="polite" id={`${id}-preview`}>
          {reading.problem ?? reading.preview ?? ''}
        </p>
      }
    />
  );
}

/**
 * The identity fields of a new person. `err` gives the message of a field by
 * its API name (name, nameKana, birthDate …).
 */
export function PersonFields({
  idPrefix,
  form,
  onChange,
  err,
  withCaution = true,
}: {
  idPrefix: string;
  form: PersonForm;
  onChange: (form: PersonForm) => void;
  err: (field: keyof PersonForm) => string | undefined;
  withCaution?: boolean;
}) {
  const set = (key: keyof PersonForm) => (value: string) => onChange({ ...form, [key]: value });
  return (
    <div className="person-fields">
      <div className="field-row">
        <TextField
          id={`${idPrefix}-name`}
          label="氏名"
          hint="わかる範囲で。外字・異体字もそのまま入力できます。"
          width="medium"
          autoComplete="off"
          value={form.name}
          onChange={set('name')}
          error={err('name')}
        />
        <TextField
          id={`${idPrefix}-nameKana`}
          label="氏名（カナ）"
          hint="ひらがな・カタカナどちらでも。"
          width="medium"
          autoComplete="off"
          value={form.nameKana}
          onChange={set('nameKana')}
          error={err('nameKana')}
        />
      </div>
      <BirthDateField id={`${idPrefix}-birthDate`} value={form.birthDate} onChange={set('birthDate')} error={err('birthDate')} />
      <RadioGroup id={`${idPrefix}-gender`} legend="性別" options={GENDER_OPTIONS} value={form.gender} onChange={set('gender')} error={err('gender')} />
      <TextField id={`${idPrefix}-address`} label="住所" autoComplete="off" value={form.address} onChange={set('address')} error={err('address')} />
      <TextField
        id={`${idPrefix}-phone`}
        label="電話番号"
        type="tel"
        width="medium"
        autoComplete="off"
        value={form.phone}
        onChange={set('phone')}
        error={err('phone')}
      />
      {withCaution && (
        <TextArea
          id={`${idPrefix}-contactCaution`}
          label="連絡上の注意"
          hint="例：DVのため自宅に電話しない。家族に知られないよう携帯電話にのみ連絡する。"
          rows={2}
          value={form.contactCaution}
          onChange={set('contactCaution')}
          error={err('contactCaution')}
        />
      )}
    </div>
  );
}
