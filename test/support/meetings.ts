import { expect } from 'vitest';
import { json, type TestApp } from './app.ts';

/**
 * Change the municipality's meeting rules as its administrator does
 * (settings.meetingRules). Tests about something else than the rule that
 * closures, suspensions and approvals need a 重層的支援会議 decision use
 * `meetingDecisions: []` — a municipality whose rules do not bind them —
 * and keep typing the meeting reference; the rule itself is tested in
 * test/api/meeting-rules.test.ts.
 */
export async function setMeetingRules(t: TestApp, rules: Record<string, unknown>): Promise<void> {
  const admin = await t.loginAdmin();
  const current = json(await admin.get('/api/v1/municipality')).settings.meetingRules;
  const res = await admin.patch('/api/v1/municipality/settings', { meetingRules: { ...current, ...rules } });
  expect(res.statusCode, res.body).toBe(200);
}

/**
 * Change a meeting body's rule (convening, host, the 市 attending, confidentiality) as the administrator does.
 * Returns the body as it is afterwards.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setBodyRule(t: TestApp, pick: (b: any) => boolean, patch: Record<string, unknown>): Promise<any> {
  const admin = await t.loginAdmin();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const body = json(await admin.get('/api/v1/meeting-bodies')).items.find((b: any) => pick(b));
  expect(body).toBeTruthy();
  const res = await admin.patch(`/api/v1/meeting-bodies/${body.id}`, { ...patch, version: body.version });
  expect(res.statusCode, res.body).toBe(200);
  return json(res);
}
