import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { ErrorSummary, formErrorsFrom, type FormErrors } from '../components/forms.tsx';
import { Loading } from '../components/ui.tsx';
import { api } from '../lib/api.ts';
import { useApiData } from '../lib/hooks.ts';
import { useUser } from '../lib/session.tsx';
import type { CaseDetail, CaseSummary } from '../lib/types.ts';
import { CaseStatusBadge } from './CaseFrame.tsx';

/** On the person page: the 多機関協働 cases about this person that the user's agency is on the team of. */
export function PersonCases({ personId }: { personId: string }) {
  const { data } = useApiData<{ items: CaseSummary[] }>(`/api/v1/cases?personId=${encodeURIComponent(personId)}&limit=20`);
  return (
    <section className="panel" aria-labelledby="person-cases">
      <h2 id="person-cases" className="panel__title">
        事例（多機関協働）
      </h2>
      {!data ? (
        <Loading />
      ) : data.items.length === 0 ? (
        <p className="muted">自機関がチームに加わっている事例はありません。</p>
      ) : (
        <ul className="plain-list case-persons">
          {data.items.map((c) => (
            <li key={c.id}>
              <Link to={`/cases/${c.id}`}>
                {c.caseNo} {c.title}
              </Link>
              <CaseStatusBadge status={c.status} label={c.statusLabel} />
              <span className="case-persons__birth">{formatDate(c.openedOn)}開始</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** On a consultation: coordinators take it up as a 多機関協働 case. */
export function OpenCaseFromConsultation({ consultationId, hasPerson }: { consultationId: string; hasPerson: boolean }) {
  const user = useUser();
  const navigate = useNavigate();
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  if (user.role !== 'coordinator' || !hasPerson) return null;
  const open = async () => {
    setBusy(true);
    setErrors(null);
    try {
      const created = await api.post<CaseDetail>('/api/v1/cases', { origin: 'consultation', consultationId });
      void navigate(`/cases/${created.id}`, { state: { flash: `事例 ${created.caseNo} を開始しました。チームの機関を加えてください。` } });
    } catch (error) {
      setErrors(formErrorsFrom(error));
      setBusy(false);
    }
  };
  return (
    <>
      <ErrorSummary errors={errors} idFor={() => null} />
      <button type="button" className="button button--secondary" disabled={busy} onClick={() => void open()}>
        多機関協働の事例として開始する
      </button>
    </>
  );
}
