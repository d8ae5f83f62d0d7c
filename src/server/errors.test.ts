import { describe, expect, it } from 'vitest';
import { AppError, clientErrorResponse, frameworkError } from './errors.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('framework errors in the one Japanese shape', () => {
  it('maps each Fastify error code to a status, a code and a Japanese message', () => {
    const cases: [string, number, number, string][] = [
      ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 413, 'payload_too_large'],
      ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 415, 'unsupported_media_type'],
      ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 400, 'bad_request'],
      ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 400, 'empty_body'],
      ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 400, 'bad_request'],
      ['FST_ERR_BAD_URL', 400, 400, 'bad_url'],
      ['FST_ERR_MAX_PARAM_LENGTH', 414, 404, 'not_found'],
    ];
    for (const [code, statusCode, status, ours] of cases) {
      const mapped = frameworkError(Object.assign(new Error('English'), { code, statusCode }));
      expect(mapped, code).toBeInstanceOf(AppError);
      expect(mapped!.status, code).toBe(status);
      expect(mapped!.code, code).toBe(ours);
      expect(mapped!.message, code).toMatch(JAPANESE);
      expect(mapped!.toBody().error.fields).toEqual({});
    }
  });

  it('maps any other 4xx by status, and leaves server errors to the caller', () => {
    expect(frameworkError({ statusCode: 429 })).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect(frameworkError({ statusCode: 405, code: 'SOMETHING' })).toMatchObject({ status: 405, code: 'method_not_allowed' });
    expect(frameworkError({ statusCode: 418 })).toMatchObject({ status: 400, code: 'bad_request' });
    expect(frameworkError({ statusCode: 500, code: 'FST_ERR_ASYNC_CONSTRAINT' })).toBeNull();
    expect(frameworkError(new Error('boom'))).toBeNull();
    expect(frameworkError(null)).toBeNull();
    const own = new AppError(409, 'conflict', '更新されています。');
    expect(frameworkError(own)).toBe(own);
  });

  it("answers Node's parser refusals as a complete HTTP response in the same shape", () => {
    for (const [code, status] of [
      ['HPE_INVALID_METHOD', 400],
      ['HPE_INVALID_CONTENT_LENGTH', 400],
      ['HPE_HEADER_OVERFLOW', 431],
      ['ERR_HTTP_REQUEST_TIMEOUT', 408],
      ['HPE_SOMETHING_NEW', 400],
    ] as const) {
      const raw = clientErrorResponse({ code });
      const [head, body] = raw.split('\r\n\r\n') as [string, string];
      expect(head.startsWith(`HTTP/1.1 ${status} `), code).toBe(true);
      expect(Number(/Content-Length: (\d+)/.exec(head)![1])).toBe(Buffer.byteLength(body));
      const parsed = JSON.parse(body) as { error: { code: string; message: string; fields: object } };
      expect(parsed.error.message).toMatch(JAPANESE);
      expect(parsed.error.fields).toEqual({});
    }
  });
});
