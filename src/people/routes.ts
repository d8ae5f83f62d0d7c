import type { Gateway } from '../access/gateway.ts';
import { z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import { addMember, createHousehold, loadHousehold, removeMember, updateHousehold, updateMember } from './households.ts';
import {
  duplicateQuerySchema,
  emergencySchema,
  householdInputSchema,
  householdPatchSchema,
  linkSchema,
  memberPatchSchema,
  memberSchema,
  personInputSchema,
  personPatchSchema,
  personSearchSchema,
  unlinkSchema,
} from './schema.ts';
import {
  createPerson,
  findDuplicates,
  getPerson,
  grantEmergencyAccess,
  linkPersons,
  searchPersons,
  unlinkPersons,
  updatePerson,
} from './service.ts';
import { personTimeline, householdTimeline } from './timeline.ts';

const idParams = z.object({ id: z.uuid() });
const memberParams = z.object({ id: z.uuid(), personId: z.uuid() });

export function peopleRoutes(gateway: Gateway): AnyRoute[] {
  const person = (id: string) => ({ targetType: 'person', targetId: id, subjectPersonId: id });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/persons',
      summary: '本人の検索（氏名・カナの一部、生年月日、電話、住所。閲覧できる人だけ）',
      tag: '本人・世帯',
      query: personSearchSchema,
      handler: ({ ctx, query }) => gateway.run(ctx, 'person.read', (scope) => searchPersons(scope, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/persons/duplicates',
      summary: '名寄せ：登録前に同一人物の可能性がある登録を探す（スコアと理由）',
      tag: '本人・世帯',
      body: duplicateQuerySchema,
      handler: ({ ctx, body }) => gateway.run(ctx, 'person.read', async (scope) => ({ items: await findDuplicates(scope, body) })),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/persons',
      summary: '本人の登録。重複の可能性があるときは 409 possible_duplicates（confirmNotDuplicate で登録）',
      tag: '本人・世帯',
      body: personInputSchema,
      action: 'person.write',
      status: 201,
      handler: async ({ scope, body }) => {
        const result = await createPerson(scope, body);
        return 'person' in result ? result.person : result;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/persons/:id',
      summary: '本人の詳細（閲覧の根拠、同意の状況、世帯、同一人物の紐付け）',
      tag: '本人・世帯',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', (scope) => getPerson(scope, params.id), person(params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/persons/:id',
      summary: '本人の記録の編集',
      tag: '本人・世帯',
      params: idParams,
      body: personPatchSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => updatePerson(scope, params.id, body), person(params.id)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/persons/:id/timeline',
      summary: '本人の経過（相談・つなぎ・同意を時系列で。閲覧できるものだけ）',
      tag: '本人・世帯',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', (scope) => personTimeline(scope, params.id), person(params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/persons/:id/links',
      summary: '名寄せ：2つの登録を同一人物として紐付ける（取り消し可能、監査ログに記録）',
      tag: '本人・世帯',
      params: idParams,
      body: linkSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => linkPersons(scope, params.id, body.otherPersonId, body.reason), person(params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/person-links/:id/unlink',
      summary: '名寄せの紐付けを取り消す',
      tag: '本人・世帯',
      params: idParams,
      body: unlinkSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'person.write', (scope) => unlinkPersons(scope, params.id, body.reason)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/emergency-access',
      summary: '緊急時の閲覧（生命・身体の保護）。理由は必須、24時間有効、事務局に通知',
      tag: '本人・世帯',
      body: emergencySchema,
      handler: ({ ctx, body }) =>
        gateway.run(ctx, 'person.read', (scope) => grantEmergencyAccess(scope, body.personId, body.reason), person(body.personId)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/households',
      summary: '世帯の登録',
      tag: '本人・世帯',
      body: householdInputSchema,
      action: 'person.write',
      status: 201,
      handler: ({ scope, body }) => createHousehold(scope, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/households/:id',
      summary: '世帯（世帯員、8050・ダブルケア等の気づきとその理由）',
      tag: '本人・世帯',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', (scope) => loadHousehold(scope, params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/households/:id',
      summary: '世帯の編集',
      tag: '本人・世帯',
      params: idParams,
      body: householdPatchSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'person.write', (scope) => updateHousehold(scope, params.id, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/households/:id/timeline',
      summary: '世帯の経過（世帯員の相談・つなぎを時系列で）',
      tag: '本人・世帯',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.read', (scope) => householdTimeline(scope, params.id)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/households/:id/members',
      summary: '世帯員の追加',
      tag: '本人・世帯',
      params: idParams,
      body: memberSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'person.write', (scope) => addMember(scope, params.id, body)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/households/:id/members/:personId',
      summary: '世帯員の続柄・同居・状況の変更',
      tag: '本人・世帯',
      params: memberParams,
      body: memberPatchSchema,
      handler: ({ ctx, params, body }) =>
        gateway.run(ctx, 'person.write', (scope) => updateMember(scope, params.id, params.personId, body)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/households/:id/members/:personId',
      summary: '世帯員を外す',
      tag: '本人・世帯',
      params: memberParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'person.write', (scope) => removeMember(scope, params.id, params.personId)),
    }),
  ];
}
