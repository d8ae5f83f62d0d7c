import { Link } from 'react-router';
import { Notice } from '../components/ui.tsx';
import type { DuplicateCandidate, PersonSummary } from '../lib/types.ts';
import { birthLabel } from './birthDate.ts';
import { ConsentBadges } from './consent.tsx';

/**
 * 名寄せ before registering: people already recorded who may be the same
 * person, with a score and the reasons. Staff pick one, or register anew.
 */
export function DuplicateCandidates({
  candidates,
  onPick,
  onConfirmNew,
  pickLabel = 'この人を選ぶ',
  confirmLabel = '別の人として新しく登録する',
}: {
  candidates: DuplicateCandidate[];
  onPick: (person: PersonSummary) => void;
  onConfirmNew: () => void;
  pickLabel?: string;
  confirmLabel?: string;
}) {
  return (
    <div className="duplicates">
      <Notice tone="warning" title="同じ人が既に登録されている可能性があります" focus>
        <p>
          次の登録と氏名・生年月日などが似ています。同じ人であれば「{pickLabel}」を、別の人であれば「{confirmLabel}」を押してください。
        </p>
      </Notice>
      <ul className="duplicates__list">
        {candidates.map((c) => (
          <li key={c.person.id} className="duplicate">
            <div className="duplicate__main">
              <p className="duplicate__name">
                <Link to={`/persons/${c.person.id}`} target="_blank" rel="noopener">
                  {c.person.displayName}
                  <span className="visually-hidden">（新しいタブで開きます）</span>
                </Link>
                {c.person.nameKana && <span className="duplicate__kana">{c.person.nameKana}</span>}
              </p>
              <p className="duplicate__meta">
                {birthLabel(c.person) || '生年月日不明'}
                {c.person.address && (
                  <>
                    <span className="sep" aria-hidden="true">
                      ｜
                    </span>
                    {c.person.address}
                  </>
                )}
              </p>
              <ConsentBadges consent={c.person.consent} />
              <p className="duplicate__reasons">
                <span className="duplicate__score">一致度 {Math.round(c.score * 100)}%</span>
                {c.reasons.join('・')}
              </p>
            </div>
            <button type="button" className="button button--secondary button--small" onClick={() => onPick(c.person)}>
              {pickLabel}
              <span className="visually-hidden">（{c.person.displayName}）</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onConfirmNew}>
          {confirmLabel}
        </button>
      </div>
    </div>
  );
}
