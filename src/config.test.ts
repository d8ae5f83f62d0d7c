import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig: DATABASE_POOL_SIZE', () => {
  it('defaults to 10 when unset or empty', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '' }).databasePoolSize).toBe(10);
  });

  it('accepts a whole number from 1 to 200', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    expect(loadConfig({ DATABASE_POOL_SIZE: '1' }).databasePoolSize).toBe(1);
    expect(loadConfig({ DATABASE_POOL_SIZE: '200' }).databasePoolSize).toBe(200);
  });

  it.each(['0', '201', '-5', '2.5', 'ten'])('rejects %s with a clear message', (value) => {
    expect(() => loadConfig({ DATABASE_POOL_SIZE: value })).toThrow(
      `DATABASE_POOL_SIZE must be a whole number from 1 to 200, got "${value}"`,
    );
  });
});
