import type { Gateway } from '../access/gateway.ts';
import { z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import {
  agendaAddSchema,
  attendancePatchSchema,
  attendeeAddSchema,
  countsQuery,
  decisionAddSchema,
  followUpAddSchema,
  infoReplySchema,
  infoRequestAddSchema,
  meetingCreateSchema,
  meetingListQuery,
  meetingPatchSchema,
  minutesSchema,
} from './schema.ts';
import {
  acknowledge,
  addAgendaItem,
  addAttendee,
  addDecision,
  addFollowUp,
  addInfoRequest,
  completeFollowUp,
  createMeeting,
  getAgenda,
  getMaterials,
  getMeeting,
  listAcknowledgements,
  listAttendees,
  listDecisions,
  listFollowUps,
  listInfoRequests,
  listMeetings,
  listResourceGaps,
  meetingCounts,
  myFollowUps,
  removeAttendee,
  replyInfoRequest,
  saveMinutes,
  setAttendance,
  updateMeeting,
  caseDecisionChoices,
} from './service.ts';
import { listMeetingBodies, meetingBodyPatchSchema, updateMeetingBody } from './bodies.ts';
import { MEETING_BOUND_DECISIONS } from '../shared/meetings.ts';

const idParams = z.object({ id: z.uuid() });
const attendeeParams = z.object({ id: z.uuid(), attendeeId: z.uuid() });
const itemParams = z.object({ id: z.uuid(), itemId: z.uuid() });
const followUpParams = z.object({ id: z.uuid(), followUpId: z.uuid() });
const requestParams = z.object({ id: z.uuid(), requestId: z.uuid() });
const TAG = '会議体';

/** 会議体: 重層的支援会議, 支援会議 (法106条の6), 推進会議 and the other bodies of the preset. */
export function meetingRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings',
      summary: '会議の招集（事務局・コーディネーター。支援会議は市（事務局）だけが招集します）',
      tag: TAG,
      body: meetingCreateSchema,
      handler: async ({ ctx, body, reply }) => {
        const created = await gateway.run(ctx, 'meeting.convene', (scope) => createMeeting(scope, body));
        reply.code(201);
        return created;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings',
      summary: '会議の一覧・検索（自分が招集した会議と出席者として招かれた会議だけ）',
      tag: TAG,
      query: meetingListQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'meeting.read', (scope) => listMeetings(scope, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id',
      summary: '会議（日時・場所・出席者。議題は出席者に、支援会議では守秘義務の確認の後に表示）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => getMeeting(scope, params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/meetings/:id',
      summary: '会議の変更（招集者・議長。版が古いと409）',
      tag: TAG,
      params: idParams,
      body: meetingPatchSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'meeting.write', (scope) => updateMeeting(scope, params.id, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/attendees',
      summary: '会議の出席者（職員と外部の出席者、守秘義務の確認の日時）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => listAttendees(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/attendees',
      summary: '出席者を招く（職員、または外部の出席者の氏名と所属。重層的支援会議では議題の本人の同意の範囲内の機関だけ）',
      tag: TAG,
      params: idParams,
      body: attendeeAddSchema,
      handler: async ({ ctx, params, body, reply }) => {
        const result = await gateway.run(ctx, 'meeting.write', (scope) => addAttendee(scope, params.id, body));
        reply.code(201);
        return result;
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/meetings/:id/attendees/:attendeeId',
      summary: '出席者から外す（外れた職員はその時点で会議を開けなくなります）',
      tag: TAG,
      params: attendeeParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.write', (scope) => removeAttendee(scope, params.id, params.attendeeId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/acknowledgements',
      summary: '守秘義務の確認の状況（支援会議の出席者ごとの確認日時）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => listAcknowledgements(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/acknowledgements',
      summary: '守秘義務の確認（支援会議の出席者本人。確認するまで議題・資料・記録は開けません）',
      tag: TAG,
      params: idParams,
      handler: async ({ ctx, params, reply }) => {
        const result = await gateway.run(ctx, 'meeting.write', (scope) => acknowledge(scope, params.id));
        reply.code(result.created ? 201 : 200);
        return result.acknowledgement;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/agenda',
      summary: '会議の議題と議題ごとの決定（出席者。支援会議は守秘義務の確認の後）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => getAgenda(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/agenda',
      summary:
        '議題を加える（重層的支援会議：本人の同意がなければ422 consent_required。支援会議：同意不要・氏名不明も可。推進会議：個別の事例・本人は不可）',
      tag: TAG,
      params: idParams,
      body: agendaAddSchema,
      handler: async ({ ctx, params, body, reply }) => {
        const result = await gateway.run(ctx, 'meeting.write', (scope) => addAgendaItem(scope, params.id, body));
        reply.code(201);
        return result;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/materials',
      summary: '会議資料（議題の事例のアセスメント要約・プラン・直近10件の支援経過。支援会議は非公開）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => getMaterials(scope, params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/decisions',
      summary: '会議の決定（議題ごと）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => listDecisions(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/decisions',
      summary:
        '決定を記録する（プラン承認・終結・中断は事例に反映。資源開発の課題は一覧へ。参加支援・アウトリーチの利用は市（事務局）が決定）',
      tag: TAG,
      params: idParams,
      body: decisionAddSchema,
      handler: async ({ ctx, params, body, reply }) => {
        const result = await gateway.run(ctx, 'meeting.write', (scope) => addDecision(scope, params.id, body));
        reply.code(201);
        return result;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/follow-ups',
      summary: 'わたしの会議のあとのやること（自分が担当の未了のもの、期限順）',
      tag: TAG,
      handler: ({ ctx }) => gateway.run(ctx, 'meeting.read', (scope) => myFollowUps(scope)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/counts',
      summary: '会議の集計（年度ごとの種類別の開催数・検討した事例数・種類別の決定数。事務局）',
      tag: TAG,
      query: countsQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'meeting.read', (scope) => meetingCounts(scope, query.fiscalYear)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/follow-ups',
      summary: '会議のあとのやること（担当者と期限）',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => listFollowUps(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/follow-ups',
      summary: '会議のあとのやることを記録する（担当者は出席者の職員。わたしの仕事に表示）',
      tag: TAG,
      params: idParams,
      body: followUpAddSchema,
      handler: async ({ ctx, params, body, reply }) => {
        const result = await gateway.run(ctx, 'meeting.write', (scope) => addFollowUp(scope, params.id, body));
        reply.code(201);
        return result;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/follow-ups/:followUpId/done',
      summary: 'やることを済みにする（担当者、または招集者・議長）',
      tag: TAG,
      params: followUpParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.write', (scope) => completeFollowUp(scope, params.id, params.followUpId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meetings/:id/info-requests',
      summary: '支援会議の情報提供の求めと回答',
      tag: TAG,
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'meeting.read', (scope) => listInfoRequests(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/info-requests',
      summary: '情報提供の求めを記録する（支援会議の議長・招集者）',
      tag: TAG,
      params: idParams,
      body: infoRequestAddSchema,
      handler: async ({ ctx, params, body, reply }) => {
        const result = await gateway.run(ctx, 'meeting.write', (scope) => addInfoRequest(scope, params.id, body));
        reply.code(201);
        return result;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/meetings/:id/info-requests/:requestId/reply',
      summary: '情報提供の求めへの回答を記録する（支援会議の議長・招集者）',
      tag: TAG,
      params: requestParams,
      body: infoReplySchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'meeting.write', (scope) => replyInfoRequest(scope, params.id, params.requestId, body.reply)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/meetings/:id/attendees/:attendeeId',
      summary: '出欠の記録（招集者・議長）',
      tag: TAG,
      params: attendeeParams,
      body: attendancePatchSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'meeting.write', (scope) => setAttendance(scope, params.id, params.attendeeId, body.attended)),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/meetings/:id/agenda/:itemId/minutes',
      summary: '議題ごとの議事録（出席者。支援会議は守秘義務の確認の後・非公開。版が古いと409）',
      tag: TAG,
      params: itemParams,
      body: minutesSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'meeting.write', (scope) => saveMinutes(scope, params.id, params.itemId, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/resource-gaps',
      summary: '資源開発の課題の一覧（会議の決定から。支援会議のものはその出席者だけ）',
      tag: TAG,
      handler: ({ ctx }) => gateway.run(ctx, 'meeting.read', (scope) => listResourceGaps(scope)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/meeting-decisions',
      summary: '終結・中断・プラン承認に選べる重層的支援会議の決定（開催済み・この事例の議題・未反映。事例の主担当・コーディネーター）',
      tag: TAG,
      params: idParams,
      query: z
        .object({ kind: z.enum(MEETING_BOUND_DECISIONS).describe('決定の種類'), planId: z.uuid().optional().describe('プラン') })
        .strict(),
      handler: ({ ctx, params, query }) => gateway.run(ctx, 'case.read', (scope) => caseDecisionChoices(scope, params.id, query.kind, query.planId)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/meeting-bodies',
      summary: '会議体と、それぞれの守秘義務・招集・主催・出席のルール',
      tag: TAG,
      handler: ({ ctx }) => gateway.run(ctx, 'settings.read', (scope) => listMeetingBodies(scope)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/meeting-bodies/:id',
      summary: '会議体のルールの変更（管理者。版が古いと409）',
      tag: TAG,
      params: idParams,
      body: meetingBodyPatchSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'settings.write', (scope) => updateMeetingBody(scope, params.id, body)),
    }),
  ];
}
