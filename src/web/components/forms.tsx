import { useEffect, useRef, type ChangeEvent, type MouseEvent, type ReactNode } from 'react';
import { ApiError } from '../lib/api.ts';

/** Errors of a form: the summary message and one message per field (API field names). */
export interface FormErrors {
  message: string;
  fields: Record<string, string>;
  /** A 409 on a stale version: someone else saved first. */
  conflict?: boolean;
  /** The server's current record sent with a 409. */
  current?: unknown;
}

export function formErrorsFrom(error: unknown): FormErrors {
  if (error instanceof ApiError) {
    return {
      message: error.message,
      fields: error.fields,
      ...(error.isConflict ? { conflict: true, current: error.body.current } : {}),
    };
  }
  return { message: error instanceof Error ? error.message : String(error), fields: {} };
}

/** Client-side problems in the same shape as the API's 422. */
export function clientErrors(fields: Record<string, string>): FormErrors | null {
  const count = Object.keys(fields).length;
  return count ? { message: `入力内容を確認してください（${count}件）。`, fields } : null;
}

/** The message of one field, whatever the depth of the API's key ("fields.0" → "fields"). */
export function fieldError(errors: FormErrors | null, name: string): string | undefined {
  if (!errors) return undefined;
  if (errors.fields[name]) return errors.fields[name];
  const nested = Object.entries(errors.fields).find(([key]) => key.startsWith(`${name}.`));
  return nested?.[1];
}

/**
 * GOV.UK error summary: at the top of the form, focused when it appears,
 * one link per problem that moves focus to the field.
 */
export function ErrorSummary({
  errors,
  idFor,
  onReloadLatest,
}: {
  errors: FormErrors | null;
  /** Element id of a field (by API field name), or null when there is no field to link to. */
  idFor: (field: string) => string | null;
  onReloadLatest?: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors) ref.current?.focus();
  }, [errors]);
  if (!errors) return null;
  const seen = new Set<string>();
  const items: { key: string; id: string | null; message: string }[] = [];
  for (const [key, message] of Object.entries(errors.fields)) {
    const field = key.split('.')[0] ?? key;
    if (seen.has(field)) continue;
    seen.add(field);
    items.push({ key: field, id: field === '_' ? null : idFor(field), message });
  }
  const focusField = (id: string) => (event: MouseEvent) => {
    const target = document.getElementById(id);
    if (!target) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${id}"]`) ?? target.closest('fieldset');
    (label ?? target).scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  };
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title" className="error-summary__title">
        {errors.conflict ? 'ほかの方が先に保存しました' : errors.message}
      </h2>
      {errors.conflict && (
        <>
          <p>{errors.message}</p>
          <p>「最新の内容を読み込む」を押すと、この画面で入力した内容は破棄され、保存されている最新の内容が表示されます。</p>
          {onReloadLatest && (
            <button type="button" className="button button--secondary" onClick={onReloadLatest}>
              最新の内容を読み込む
            </button>
          )}
        </>
      )}
      {items.length > 0 && (
        <ul className="error-summary__list">
          {items.map((item) => (
            <li key={item.key}>
              {item.id ? (
                <a href={`#${item.id}`} onClick={focusField(item.id)}>
                  {item.message}
                </a>
              ) : (
                item.message
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function describedBy(id: string, hint?: ReactNode, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function RequiredMark({ required }: { required?: boolean | undefined }) {
  if (!required) return null;
  // Read as "名称（必須）" by screen readers; shown as a small tag.
  return (
    <span className="required-mark">
      <span className="visually-hidden">（</span>必須<span className="visually-hidden">）</span>
    </span>
  );
}

function FieldMessages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">エラー：</span>
          {error}
        </p>
      )}
    </>
  );
}

/** Label, hint and error of one control, with the GOV.UK error bar. */
function FieldShell({ id, label, hint, error, required, children }: BaseFieldProps & { children: ReactNode }) {
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
        <RequiredMark required={required} />
      </label>
      <FieldMessages id={id} hint={hint} error={error} />
      {children}
    </div>
  );
}

/** ARIA of a control that has a hint and/or an error. */
function controlAria(id: string, hint: ReactNode, error: string | undefined) {
  return { 'aria-describedby': describedBy(id, hint, error), 'aria-invalid': error ? true : undefined };
}

interface BaseFieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  required?: boolean;
}

export function TextField({
  id,
  label,
  hint,
  error,
  required,
  value,
  onChange,
  type = 'text',
  width = 'long',
  autoComplete,
  inputMode,
  spellCheck,
  placeholder,
  maxLength,
  suffix,
  after,
}: BaseFieldProps & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password' | 'email' | 'tel' | 'date' | 'datetime-local' | 'search';
  width?: 'short' | 'medium' | 'long' | 'full';
  autoComplete?: string;
  inputMode?: 'text' | 'numeric' | 'tel' | 'email' | 'search';
  spellCheck?: boolean;
  placeholder?: string;
  maxLength?: number;
  /** A unit shown after the box (分, 年); the label should name it too. */
  suffix?: string;
  /** Shown under the box (a live preview of what was typed). */
  after?: ReactNode;
}) {
  const input = (
    <input
      id={id}
      name={id}
      className={`input input--${width}`}
      type={type}
      value={value}
      onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
      {...controlAria(id, hint, error)}
      {...(required ? { 'aria-required': true } : {})}
      {...(autoComplete ? { autoComplete } : {})}
      {...(inputMode ? { inputMode } : {})}
      {...(spellCheck !== undefined ? { spellCheck } : {})}
      {...(placeholder ? { placeholder } : {})}
      {...(maxLength ? { maxLength } : {})}
    />
  );
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required}>
      {suffix ? (
        <div className="input-suffix">
          {input}
          <span className="input-suffix__unit" aria-hidden="true">
            {suffix}
          </span>
        </div>
      ) : (
        input
      )}
      {after}
    </FieldShell>
  );
}

export function TextArea({
  id,
  label,
  hint,
  error,
  required,
  value,
  onChange,
  rows = 4,
}: BaseFieldProps & { value: string; onChange: (value: string) => void; rows?: number }) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required}>
      <textarea
        id={id}
        name={id}
        className="input input--full textarea"
        rows={rows}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...controlAria(id, hint, error)}
      />
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({
  id,
  label,
  hint,
  error,
  required,
  value,
  onChange,
  options,
  placeholder,
  width = 'medium',
}: BaseFieldProps & {
  value: string;
  onChange: (value: string) => void;
  options: readonly Option[];
  /** Text of the empty first option; omit for no empty option. */
  placeholder?: string;
  width?: 'short' | 'medium' | 'long' | 'full';
}) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} required={required}>
      <select
        id={id}
        name={id}
        className={`select input--${width}`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...controlAria(id, hint, error)}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Several choices in a fieldset; the error summary links to the first box (`${id}-0`). */
export function CheckboxGroup({
  id,
  legend,
  hint,
  error,
  values,
  onChange,
  options,
  inline = true,
  scroll = false,
}: {
  id: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  values: readonly string[];
  onChange: (values: string[]) => void;
  options: readonly Option[];
  inline?: boolean;
  /** A long list (all agencies): the boxes scroll, the legend stays. */
  scroll?: boolean;
}) {
  const toggle = (value: string, checked: boolean) => {
    const next = checked ? [...values, value] : values.filter((v) => v !== value);
    // Keep the order of the options.
    onChange(options.map((o) => o.value).filter((v) => next.includes(v)));
  };
  return (
    <fieldset className={`field fieldset${error ? ' field--error' : ''}`} aria-describedby={describedBy(id, hint, error)}>
      <legend className="field__label">{legend}</legend>
      <FieldMessages id={id} hint={hint} error={error} />
      <div className={`checkboxes${inline ? ' checkboxes--inline' : ''}${scroll ? ' checkboxes--scroll' : ''}`}>
        {options.map((o, i) => (
          <div className="checkbox" key={o.value}>
            <input
              id={`${id}-${i}`}
              type="checkbox"
              className="checkbox__input"
              checked={values.includes(o.value)}
              onChange={(e) => toggle(o.value, e.target.checked)}
            />
            <label htmlFor={`${id}-${i}`} className="checkbox__label">
              {o.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * One choice of a few, as radio buttons in a fieldset (one tab stop; arrow
 * keys move). The error summary links to the first button (`${id}-0`).
 */
export function RadioGroup({
  id,
  legend,
  hint,
  error,
  required,
  value,
  onChange,
  options,
  inline = true,
  disabled = false,
}: {
  id: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  required?: boolean;
  value: string;
  onChange: (value: string) => void;
  options: readonly (Option & { hint?: string })[];
  inline?: boolean;
  disabled?: boolean;
}) {
  return (
    <fieldset
      className={`field fieldset${error ? ' field--error' : ''}`}
      aria-describedby={describedBy(id, hint, error)}
      {...(required ? { 'aria-required': true } : {})}
    >
      <legend className="field__label">
        {legend}
        <RequiredMark required={required} />
      </legend>
      <FieldMessages id={id} hint={hint} error={error} />
      <div className={`radios${inline ? ' radios--inline' : ''}`}>
        {options.map((o, i) => (
          <div className="radio" key={o.value}>
            <input
              id={`${id}-${i}`}
              type="radio"
              name={id}
              className="radio__input"
              value={o.value}
              checked={value === o.value}
              disabled={disabled}
              onChange={() => onChange(o.value)}
              {...(o.hint ? { 'aria-describedby': `${id}-${i}-hint` } : {})}
            />
            <label htmlFor={`${id}-${i}`} className="radio__label">
              {o.label}
              {o.hint && (
                <span id={`${id}-${i}-hint`} className="radio__hint">
                  {o.hint}
                </span>
              )}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

export function Checkbox({
  id,
  label,
  hint,
  error,
  checked,
  onChange,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      {error && (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">エラー：</span>
          {error}
        </p>
      )}
      <div className="checkbox">
        <input
          id={id}
          type="checkbox"
          className="checkbox__input"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={describedBy(id, hint, error)}
        />
        <label htmlFor={id} className="checkbox__label">
          {label}
        </label>
      </div>
      {hint && (
        <p id={`${id}-hint`} className="field__hint field__hint--checkbox">
          {hint}
        </p>
      )}
    </div>
  );
}
