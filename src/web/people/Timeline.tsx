import { Link } from 'react-router';
import { Badge, DateTime, LoadError, Loading } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import type { TimelineEntry } from '../lib/types.ts';
import { toneForLabel } from '../referrals/status.tsx';

const KIND_LABELS: Record<TimelineEntry['kind'], string> = { consultation: '相談', referral: 'つなぎ', consent: '同意' };

/**
 * 経過: consultations, referrals and consent history across agencies in time
 * order (newest first), limited by the server to what the viewer may see.
 */
export function Timeline({ path, showPerson = false }: { path: string; showPerson?: boolean }) {
  const { data, error, reload } = useApiData<{ items: TimelineEntry[] }>(path);
  if (error) return <LoadError error={error} onRetry={reload} />;
  if (!data) return <Loading />;
  if (data.items.length === 0) return <p className="muted">まだ記録はありません。</p>;
  return (
    <ol className="timeline">
      {data.items.map((e) => (
        <li key={`${e.kind}-${e.id}`} className={`timeline__item timeline__item--${e.kind}`}>
          <p className="timeline__when">
            <DateTime value={e.at} />
          </p>
          <div className="timeline__body">
            <p className="timeline__title">
              <span className={`timeline__kind timeline__kind--${e.kind}`}>{KIND_LABELS[e.kind]}</span>
              <Link to={e.link}>{e.title}</Link>
              {e.status && <Badge tone={toneForLabel(e.status)}>{e.status}</Badge>}
            </p>
            {e.detail && <p className="timeline__detail">{e.detail}</p>}
            <p className="timeline__meta">
              {showPerson && e.personName ? `${e.personName}｜` : ''}
              {e.agencyName ?? ''}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
