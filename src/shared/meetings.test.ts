import { describe, expect, it } from 'vitest';
import { confidentialityNotice, secretariatDecisions, statutoryConfidentialityOf } from './meetings.ts';

describe('a body\'s legal basis decides its rule', () => {
  it.each([
    [{ kind: 'shien', legalBasis: null, name: '支援会議' }, '社会福祉法第106条の6'],
    [{ kind: 'other', legalBasis: '児童福祉法第25条の2', name: '要対協' }, '児童福祉法第25条の5'],
    [{ kind: 'other', legalBasis: null, name: '要保護児童対策地域協議会' }, '児童福祉法第25条の5'],
    [{ kind: 'other', legalBasis: '生活困窮者自立支援法第9条', name: '支援会議' }, '生活困窮者自立支援法第9条'],
    [{ kind: 'other', legalBasis: null, name: '支援会議（生活困窮者自立支援法第9条）' }, '生活困窮者自立支援法第9条'],
    [{ kind: 'other', legalBasis: '介護保険法第115条の48', name: '会議' }, '介護保険法第115条の48'],
    [{ kind: 'other', legalBasis: '障害者の日常生活及び社会生活を総合的に支援するための法律第89条の3', name: '地域自立支援協議会' }, null],
    [{ kind: 'jusou', legalBasis: '社会福祉法第106条の4第2項第5号', name: '重層的支援会議' }, null],
    [{ kind: 'other', legalBasis: null, name: '支援調整会議' }, null],
  ])('%o → %s', (body, expected) => {
    expect(statutoryConfidentialityOf(body)).toBe(expected);
  });

  it('says the rule on the meeting page', () => {
    expect(confidentialityNotice('statutory', '児童福祉法第25条の5')).toBe(
      '守秘義務のある会議体（児童福祉法第25条の5）：同意がなくても検討できます。出席者は守秘義務の確認が必要です。',
    );
  });

  it('reserves 参加支援 / アウトリーチ for the 事務局 only where the rules say so', () => {
    expect(secretariatDecisions({ participationSupportDecidedBy: 'secretariat', outreachDecidedBy: 'secretariat' })).toEqual(['participation_support', 'outreach']);
    expect(secretariatDecisions({ participationSupportDecidedBy: 'meeting', outreachDecidedBy: 'secretariat' })).toEqual(['outreach']);
    expect(secretariatDecisions({ participationSupportDecidedBy: 'meeting', outreachDecidedBy: 'meeting' })).toEqual([]);
  });
});
