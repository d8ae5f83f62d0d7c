import { describe, expect, it } from 'vitest';
import { databaseErrorAnswer, isDatabaseUnavailable } from './db-errors.ts';

/** How database errors are answered (the real errors are produced in test/api/races.test.ts and db-restart.test.ts). */
describe('databaseErrorAnswer', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    ['refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['admin shutdown (pg_ctl stop)', withCode('57P01', 'terminating connection due to administrator command')],
    ['starting up / shutting down', withCode('57P03', 'the database system is starting up')],
    ['connection failure class 08', withCode('08006', 'connection failure')],
    ['socket closed under a query', new Error('Connection terminated unexpectedly')],
    ['pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['every address refused', Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: 'ECONNREFUSED' })],
  ])('%s → 503 database_unavailable', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const answer = databaseErrorAnswer(error)!;
    expect(answer.status).toBe(503);
    expect(answer.toBody().error).toEqual({
      code: 'database_unavailable',
      message: 'データベースに接続できません。しばらく待ってからもう一度お試しください。',
      fields: {},
    });
  });

  it.each(['23505', '40001', '40P01'])('SQLSTATE %s (a lost race) → 409 conflict in Japanese', (code) => {
    const answer = databaseErrorAnswer(withCode(code))!;
    expect(answer.status).toBe(409);
    expect(answer.toBody().error.message).toContain('ほかの操作と同時に保存');
  });

  it.each([
    ['a syntax error (a bug)', withCode('42601')],
    ['a check violation', withCode('23514')],
    ['a plain error', new Error('boom')],
    ['a framework code', withCode('FST_ERR_BAD_URL')],
    ['not an error', 'text'],
    ['nothing', null],
  ])('%s → null (left to the 500 branch)', (_label, error) => {
    expect(databaseErrorAnswer(error)).toBeNull();
  });
});
