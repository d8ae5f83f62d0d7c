import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, passwordProblem, randomPassword, verifyPassword } from './password.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('Ryokucha-2025');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('Ryokucha-2025', hash)).toBe(true);
    expect(await verifyPassword('ryokucha-2025', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password'), hashPassword('same-password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same-password', b)).toBe(true);
  });

  it('treats composed and decomposed Japanese the same (NFC)', async () => {
    const composed = 'パスワードです'; // パ as one code point
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const hash = await hashPassword(composed);
    expect(await verifyPassword(decomposed, hash)).toBe(true);
  });

  it('reads the parameters stored with the hash', async () => {
    // A hash made with lower parameters (as an older install might have) still verifies.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old-password-1', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword('old-password-1', stored)).toBe(true);
    expect(await verifyPassword('old-password-2', stored)).toBe(false);
  });

  it('refuses malformed stored hashes without throwing', async () => {
    for (const stored of ['', 'plain', 'bcrypt$10$abc', 'scrypt$1024$8$1$$', 'scrypt$$$$$']) {
      expect(await verifyPassword('anything-at-all', stored)).toBe(false);
    }
  });

  it('has a dummy hash for unknown login ids (same cost), made once', async () => {
    const a = await dummyPasswordHash();
    expect(a).toBe(await dummyPasswordHash());
    expect(a.startsWith('scrypt$32768$')).toBe(true);
  });
});

describe('password rules', () => {
  it.each([
    ['short', 'admin', '10文字以上にしてください'],
    ['1234567890', undefined, '数字だけのパスワードは使えません'],
    ['x'.repeat(201), undefined, '200文字以内にしてください'],
    ['my-Yamada-password', 'yamada', 'ログインIDを含むパスワードは使えません'],
    ['test-admin-pass-1', 'admin', 'ログインIDを含むパスワードは使えません'],
  ])('%s (login %s): %s', (password, login, problem) => {
    expect(passwordProblem(password, login)).toBe(problem);
  });

  it('accepts reasonable passwords', () => {
    for (const pw of ['Ryokucha-2025', 'きょうはいいてんきですね', '0123456789a', 'x'.repeat(200)]) {
      expect(passwordProblem(pw, 'yamada')).toBeNull();
    }
  });

  it('generates easy-to-type random passwords that pass the rules', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = randomPassword();
      expect(pw).toMatch(/^[A-HJ-NP-Za-km-z2-9]{4}(-[A-HJ-NP-Za-km-z2-9]{4}){3}$/);
      expect(pw).not.toMatch(/[0O1lIio]/);
      expect(passwordProblem(pw, 'admin')).toBeNull();
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });
});
