import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { Badge, DataList, LoadError, Loading, type BadgeTone } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { can } from '../lib/access.ts';
import { useUser } from '../lib/session.tsx';
import { MeetingBodyRule, type MeetingBodyRuleView } from '../meetings/MeetingBodyRule.tsx';
import { MeetingRulesPanel } from '../meetings/MeetingRulesForm.tsx';
import type { MeetingBody, MunicipalityOverview } from '../lib/types.ts';
import { DirectoryTabs } from './DirectoryTabs.tsx';

/** Kinds of meeting bodies (社会福祉法 and the municipality's own). */
const KINDS: Record<string, { label: string; tone: BadgeTone; order: number }> = {
  jusou: { label: '重層的支援会議', tone: 'info', order: 0 },
  shien: { label: '支援会議（法第106条の6）', tone: 'warning', order: 1 },
  suishin: { label: '推進会議', tone: 'success', order: 2 },
  other: { label: 'その他の会議体', tone: 'neutral', order: 3 },
};

const kindOrder = (body: MeetingBody) => (KINDS[body.kind] ?? KINDS.other!).order;

function consentText(body: MeetingBody): string | null {
  if (body.consentRequired === true) return '必要（同意を得た事例のみ検討できます）';
  if (body.consentRequired === false) {
    return body.kind === 'shien' ? '不要（参加者には法律上の守秘義務があります）' : '不要';
  }
  return null;
}

interface BodyRuleProps {
  rule: MeetingBodyRuleView | undefined;
  editable: boolean;
  agencies: { id: string; name: string }[];
  onSaved: (next: MeetingBodyRuleView) => void;
}

function MeetingBodyCard({ body, rules }: { body: MeetingBody; rules: BodyRuleProps }) {
  const kind = KINDS[body.kind] ?? KINDS.other!;
  return (
    <li className="panel meeting-body">
      <div className="meeting-body__head">
        <h3 className="panel__title">{body.name}</h3>
        <Badge tone={kind.tone}>{kind.label}</Badge>
      </div>
      <DataList
        hideEmpty
        rows={[
          { label: '目的', value: body.purpose },
          { label: '根拠', value: body.legalBasis },
          { label: '招集者', value: body.convener },
          { label: '主催・運営', value: body.organizer },
          { label: '構成員', value: body.members },
          { label: '開催頻度', value: body.frequency },
          { label: '本人同意', value: consentText(body) },
        ]}
      />
      {!body.purpose && !body.legalBasis && !body.members && !body.convener && !body.organizer && (
        <p className="muted meeting-body__empty">目的や構成員などの詳細は登録されていません。</p>
      )}
      {rules.rule && <MeetingBodyRule rule={rules.rule} editable={rules.editable} agencies={rules.agencies} onSaved={rules.onSaved} />}
    </li>
  );
}

export function MeetingBodiesPage() {
  const { data, error, reload, setData } = useApiData<MunicipalityOverview>('/api/v1/municipality');
  const user = useUser();
  const editable = can(user.role, 'settings.write');
  const rules = useApiData<{ items: MeetingBodyRuleView[] }>('/api/v1/meeting-bodies');
  const agencies = useApiData<{ items: { id: string; name: string }[] }>(editable ? '/api/v1/agencies?limit=200' : null);
  const ruleProps = (id: string): BodyRuleProps => ({
    rule: rules.data?.items.find((r) => r.id === id),
    editable,
    agencies: agencies.data?.items ?? [],
    onSaved: (next) => rules.data && rules.setData({ items: rules.data.items.map((r) => (r.id === next.id ? next : r)) }),
  });
  const showCount = data?.placements.some((p) => p.count !== null) ?? false;

  return (
    <>
      <PageHeader
        title="会議体・配置"
        lead={
          data
            ? `${data.name}の重層的支援体制における会議体と、地域福祉コーディネーター等の配置です。`
            : '重層的支援体制における会議体と、地域福祉コーディネーター等の配置です。'
        }
      />
      <DirectoryTabs />
      {error && <LoadError error={error} onRetry={reload} />}
      {!data && !error && <Loading />}
      {data && (
        <>
          <section className="section" aria-labelledby="bodies-title">
            <h2 id="bodies-title">会議体</h2>
            <MeetingRulesPanel
              rules={data.settings.meetingRules}
              editable={editable}
              onSaved={(meetingRules) => setData({ ...data, settings: { ...data.settings, meetingRules } })}
            />
            {data.meetingBodies.length === 0 ? (
              <p className="muted">会議体は登録されていません。</p>
            ) : (
              <ul className="stack">
                {[...data.meetingBodies].sort((a, b) => kindOrder(a) - kindOrder(b)).map((b) => (
                  <MeetingBodyCard key={b.id} body={b} rules={ruleProps(b.id)} />
                ))}
              </ul>
            )}
          </section>

          <section className="section" aria-labelledby="placements-title">
            <h2 id="placements-title">推進員・コーディネーター等の配置</h2>
            {data.placements.length === 0 ? (
              <p className="muted">配置は登録されていません。</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">推進員・コーディネーター等の配置</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="nowrap">
                        職種
                      </th>
                      <th scope="col">配置先</th>
                      <th scope="col" className="nowrap">
                        所管課
                      </th>
                      {showCount && (
                        <th scope="col" className="nowrap">
                          人数
                        </th>
                      )}
                      <th scope="col">役割</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.placements.map((p, i) => (
                      <tr key={`${p.kind}-${p.agencyId ?? i}`}>
                        <td className="nowrap">{p.kind}</td>
                        <td className="table__name">{p.agencyId ? <Link to={`/agencies/${p.agencyId}`}>{p.agencyName}</Link> : <span className="muted">—</span>}</td>
                        <td className="nowrap">{p.department ?? <span className="muted">—</span>}</td>
                        {showCount && <td className="nowrap">{p.count === null ? <span className="muted">—</span> : `${p.count}人`}</td>}
                        <td className="table__text">{p.description ?? <span className="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          {data.departments.length > 0 && (
            <section className="section" aria-labelledby="departments-title">
              <h2 id="departments-title">関係する課</h2>
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">関係する課と担当する事業</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="nowrap">
                        課
                      </th>
                      <th scope="col">担当・備考</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.departments.map((d) => (
                      <tr key={d.name}>
                        <td className="nowrap">{d.name}</td>
                        <td className="table__text">{d.note ?? <span className="muted">—</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
        </>
      )}
    </>
  );
}
