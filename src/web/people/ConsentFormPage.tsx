import { useParams } from 'react-router';
import { formatDate } from '../../shared/dates.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { PrintSheet } from '../components/PrintSheet.tsx';
import { LoadError, Loading } from '../components/ui.tsx';
import { useApiData } from '../lib/hooks.ts';
import { useSession, useUser } from '../lib/session.tsx';
import type { MunicipalityOverview, PersonDetail } from '../lib/types.ts';
import { PURPOSE_LABELS } from './consent.tsx';

/**
 * The printable consent form (同意書) with the person's name filled in and a
 * signature box. The wording is the template below, with the municipality's
 * own 共有・提供する情報 and 留意事項 (設定 → 同意書の文面) when it has set them;
 * a municipality with its own paper form prints that and attaches the scan.
 */
const TEMPLATE = {
  title: '個人情報の共有・提供に関する同意書',
  intro: (municipality: string) =>
    `私は、${municipality}が実施する重層的支援体制整備事業（社会福祉法第106条の4）において、私と私の世帯が抱える課題の解決に向けた支援を受けるため、次のとおり私の個人情報を関係機関の間で共有・提供することに同意します。`,
  purposes: [
    { label: PURPOSE_LABELS.meeting_sharing, detail: '支援プランの検討のため、重層的支援会議に参加する関係機関の間で情報を共有すること' },
    { label: PURPOSE_LABELS.agency_sharing, detail: '支援のために、下の「提供する範囲」の機関へ情報を提供すること' },
  ],
  information: '氏名、生年月日、住所、連絡先、相談の内容、世帯の状況、心身の状況、支援の経過など、支援に必要な範囲の情報',
  notes: [
    '提供された情報は、支援の目的以外には使用しません。関係機関の職員には守秘義務があります。',
    'この同意は、いつでも撤回できます。撤回したときは、その後の共有・提供は行いません。',
    '同意しない場合でも、相談や支援を受けられなくなることはありません。',
  ],
};

export function ConsentFormPage() {
  const { id = '' } = useParams();
  const { session } = useSession();
  const user = useUser();
  const municipality = session?.municipality?.name ?? '';
  const { data: person, error, reload } = useApiData<PersonDetail>(`/api/v1/persons/${encodeURIComponent(id)}`);
  const { data: overview } = useApiData<MunicipalityOverview>('/api/v1/municipality');
  const information = overview?.settings.consentFormInformation || TEMPLATE.information;
  const ownNotes = (overview?.settings.consentFormNotes ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const notes = ownNotes.length ? ownNotes : TEMPLATE.notes;
  if (error) {
    return (
      <>
        <PageHeader title="同意書の印刷" />
        <LoadError error={error} onRetry={reload} />
      </>
    );
  }
  if (!person) return <Loading />;
  return (
    <>
      <div className="no-print">
        <PageHeader
          title={`同意書：${person.displayName}`}
          heading="同意書の印刷"
          breadcrumbs={[
            { label: '本人・世帯', to: '/persons' },
            { label: person.displayName, to: `/persons/${person.id}` },
          ]}
          lead="本人に説明し、署名をもらってください。署名済みの同意書は、本人のページの「同意」で記録し、スキャンしたファイルを添付します。"
        />
      </div>
      <PrintSheet backTo={`/persons/${person.id}#consent`} backLabel="本人のページへ戻る">
        <header className="sheet__header">
          <p className="sheet__date">{'　　　　年　　月　　日'}</p>
          <h2 className="sheet__title">{TEMPLATE.title}</h2>
          <p className="sheet__to">{municipality + '長　殿'}</p>
        </header>
        <p className="sheet__text">{TEMPLATE.intro(municipality)}</p>
        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'1　同意する内容（同意するものの□に✓を付けてください）'}</h3>
          <ul className="sheet-checks">
            {TEMPLATE.purposes.map((p) => (
              <li key={p.label}>
                <span className="check-mark" aria-hidden="true">
                  ☐
                </span>
                <strong>{p.label}</strong>
                <span className="sheet-checks__detail">{p.detail}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'2　提供する範囲'}</h3>
          <ul className="sheet-checks">
            <li>
              <span className="check-mark" aria-hidden="true">
                ☐
              </span>
              重層的支援体制整備事業に参加するすべての機関
            </li>
            <li>
              <span className="check-mark" aria-hidden="true">
                ☐
              </span>
              {'次の機関に限る（　　　　　　　　　　　　　　　　　　　　　　　　　　　　）'}
            </li>
          </ul>
        </section>
        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'3　共有・提供する情報'}</h3>
          <p className="sheet__text">{information}</p>
        </section>
        <section className="sheet__section">
          <h3 className="sheet__subtitle">{'4　留意事項'}</h3>
          <ul className="sheet-notes">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
        <table className="sheet-table sheet-table--sign">
          <tbody>
            <tr>
              <th scope="row">本人氏名</th>
              <td>{person.name ?? ''}</td>
              <th scope="row">生年月日</th>
              <td>{person.birthDate ? formatDate(person.birthDate) : ''}</td>
            </tr>
            <tr>
              <th scope="row">住所</th>
              <td colSpan={3}>{person.address ?? ''}</td>
            </tr>
            <tr className="sheet-table__sign">
              <th scope="row">本人署名</th>
              <td colSpan={3} />
            </tr>
            <tr className="sheet-table__sign">
              <th scope="row">代理人署名</th>
              <td colSpan={3}>
                <span className="sheet-table__note">{'本人が署名できないとき　　　　　　　　　　　　　　　（続柄：　　　　　）'}</span>
              </td>
            </tr>
            <tr>
              <th scope="row">説明した職員</th>
              <td colSpan={3}>{user.agencyName + '　' + user.name}</td>
            </tr>
          </tbody>
        </table>
        <p className="sheet__footer">
          {municipality}｜重層的支援体制整備事業｜この同意書は、本人の記録とともに保管します。
        </p>
      </PrintSheet>
    </>
  );
}
