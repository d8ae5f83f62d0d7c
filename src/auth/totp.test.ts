import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, currentStep, newTotpSecret, otpauthUri, totpCode, verifyTotp } from './totp.ts';

/** RFC 6238 appendix B, SHA-1: the shared secret is the ASCII string "12345678901234567890". */
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));

describe('TOTP (RFC 6238)', () => {
  it('encodes the RFC secret in base32 as authenticator apps expect', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(RFC_SECRET).toString('ascii')).toBe('12345678901234567890');
    expect(base32Decode('gezd gnbv-gy3t qojq====').toString('ascii')).toBe('1234567890');
  });

  it.each([
    // time (s), 8-digit value from the RFC; the app shows its last 6 digits
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('at %i s the code is the last 6 digits of %s', (seconds, eight) => {
    expect(totpCode(RFC_SECRET, Math.floor(seconds / 30))).toBe(eight.slice(-6));
  });

  it('the RFC example: 59 s gives 287082', () => {
    expect(currentStep(59_000)).toBe(1);
    expect(totpCode(RFC_SECRET, currentStep(59_000))).toBe('287082');
  });

  it('accepts the current step and one step either side, and returns the step', () => {
    const now = 1_700_000_000_000;
    const step = currentStep(now);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, step), now)).toBe(step);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, step - 1), now)).toBe(step - 1);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, step + 1), now)).toBe(step + 1);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, step + 2), now)).toBeNull();
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, step - 2), now)).toBeNull();
    const code = totpCode(RFC_SECRET, step);
    expect(verifyTotp(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(step);
  });

  it('refuses malformed codes', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６']) {
      expect(verifyTotp(RFC_SECRET, code)).toBeNull();
    }
  });

  it('makes new 160-bit secrets and an otpauth URI', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(a);
    const uri = otpauthUri(a, 'yamada', 'kasane 小金井市');
    expect(uri).toBe(
      `otpauth://totp/${encodeURIComponent('kasane 小金井市:yamada')}?secret=${a}&issuer=${encodeURIComponent('kasane 小金井市')}&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('base32 round-trips any bytes', () => {
    for (let n = 0; n < 25; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 255));
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
    expect(() => base32Decode('1!')).toThrow('invalid base32');
  });
});
