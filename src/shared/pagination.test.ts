import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './pagination.ts';

const UUID = '01900000-0000-7000-8000-000000000001';

describe('keyset cursors', () => {
  it('round-trip the sort key of the last row', () => {
    expect(decodeCursor(encodeCursor(['こがねい', UUID]), ['string', 'uuid'])).toEqual(['こがねい', UUID]);
    expect(decodeCursor(encodeCursor([42]), ['int'])).toEqual([42]);
    expect(encodeCursor(['a'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('treat missing, garbled or forged cursors as no cursor', () => {
    expect(decodeCursor(undefined, ['int'])).toBeNull();
    expect(decodeCursor('', ['int'])).toBeNull();
    expect(decodeCursor('%%%', ['int'])).toBeNull();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'), ['int'])).toBeNull();
    expect(decodeCursor(encodeCursor([1, 2]), ['int'])).toBeNull();
    expect(decodeCursor(encodeCursor(['1']), ['int'])).toBeNull();
    expect(decodeCursor(encodeCursor([1.5]), ['int'])).toBeNull();
    expect(decodeCursor(encodeCursor([1e300]), ['int'])).toBeNull();
    expect(decodeCursor(encodeCursor(['x', 'not-a-uuid']), ['string', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor([1, UUID]), ['string', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor(['a\u0000', UUID]), ['string', 'uuid'])).toBeNull();
  });

  it('bound int4 keys to the column range and refuse malformed text', () => {
    expect(decodeCursor(encodeCursor([2026, 1]), ['int32', 'int32'])).toEqual([2026, 1]);
    expect(decodeCursor(encodeCursor([2147483647, -2147483648]), ['int32', 'int32'])).toEqual([2147483647, -2147483648]);
    expect(decodeCursor(encodeCursor([2147483648, 1]), ['int32', 'int32'])).toBeNull();
    expect(decodeCursor(encodeCursor([9007199254740991, 1]), ['int32', 'int32'])).toBeNull();
    expect(decodeCursor(encodeCursor([9007199254740991]), ['int'])).toEqual([9007199254740991]);
    expect(decodeCursor(encodeCursor(['a\ud800', UUID]), ['string', 'uuid'])).toBeNull();
    expect(decodeCursor(encodeCursor(['a\u0007', UUID]), ['string', 'uuid'])).toBeNull();
  });
});
