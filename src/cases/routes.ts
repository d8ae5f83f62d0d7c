import type { Gateway } from '../access/gateway.ts';
import { z } from '../shared/zod-ja.ts';
import { defineRoute, type AnyRoute } from '../server/route.ts';
import {
  caseLinkSchema,
  caseListQuery,
  caseOpenSchema,
  casePatchSchema,
  casePersonSchema,
  teamAddSchema,
  teamPatchSchema,
  teamRemoveSchema,
  transitionInputSchema,
} from './schema.ts';
import {
  addCasePerson,
  addTeamMember,
  getCase,
  linkToCase,
  listCases,
  loadTeam,
  loadTransitions,
  openCase,
  removeCasePerson,
  removeTeamMember,
  transitionCase,
  updateCase,
  updateTeamMember,
} from './service.ts';
import { requireCase } from '../access/case-access.ts';

const idParams = z.object({ id: z.uuid() });
const memberParams = z.object({ id: z.uuid(), memberId: z.uuid() });
const personParams = z.object({ id: z.uuid(), personId: z.uuid() });

/** 多機関協働: cases, their team, persons, links and status transitions. */
export function caseRoutes(gateway: Gateway): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases',
      summary: '事例の開始（受理したつなぎ・相談から、または理由を添えて直接。コーディネーター）',
      tag: '多機関協働',
      body: caseOpenSchema,
      action: 'case.open',
      status: 201,
      handler: ({ scope, body }) => openCase(scope, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases',
      summary: '事例の一覧（自機関がチームにいる事例。状態別の件数つき）',
      tag: '多機関協働',
      query: caseListQuery,
      handler: ({ ctx, query }) => gateway.run(ctx, 'case.read', (scope) => listCases(scope, query)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id',
      summary: '事例のページ（事例・対象者・チーム・最新のアセスメントとプラン・直近50件の支援経過）',
      tag: '多機関協働',
      params: idParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.read', (scope) => getCase(scope, params.id)),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/cases/:id',
      summary: '事例名の変更（版が古いと409）',
      tag: '多機関協働',
      params: idParams,
      body: casePatchSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => updateCase(scope, params.id, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/team',
      summary: '事例のチーム（機関と担当者、役割：主担当・協力・情報提供）',
      tag: '多機関協働',
      params: idParams,
      handler: ({ ctx, params }) =>
        gateway.run(ctx, 'case.read', async (scope) => {
          const access = await requireCase(scope, params.id, 'read', 'case.read');
          scope.audit('case.team.read', { targetType: 'case', targetId: params.id, subjectPersonId: access.primaryPersonId });
          return { items: await loadTeam(scope, params.id) };
        }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/team',
      summary: 'チームに機関・担当者を加える（本人の同意の範囲外の機関は422 consent_required）',
      tag: '多機関協働',
      params: idParams,
      body: teamAddSchema,
      action: 'case.write',
      status: 201,
      handler: async ({ scope, params, body }) => {
        const items = await addTeamMember(scope, params.id, body);
        return { items };
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/cases/:id/team/:memberId',
      summary: 'チームの役割・関わり方の変更（機関を主担当にすると主担当機関が替わります）',
      tag: '多機関協働',
      params: memberParams,
      body: teamPatchSchema,
      handler: async ({ ctx, params, body }) => ({
        items: await gateway.run(ctx, 'case.write', (scope) => updateTeamMember(scope, params.id, params.memberId, body)),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/team/:memberId/remove',
      summary: 'チームから外す（理由は必須。外れた機関はその時点で閲覧できなくなります）',
      tag: '多機関協働',
      params: memberParams,
      body: teamRemoveSchema,
      handler: async ({ ctx, params, body }) => ({
        items: await gateway.run(ctx, 'case.write', (scope) => removeTeamMember(scope, params.id, params.memberId, body.reason)),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/persons',
      summary: '事例に対象者（世帯員など）を加える',
      tag: '多機関協働',
      params: idParams,
      body: casePersonSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => addCasePerson(scope, params.id, body)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/cases/:id/persons/:personId',
      summary: '事例から対象者を外す（本人は外せません）',
      tag: '多機関協働',
      params: personParams,
      handler: ({ ctx, params }) => gateway.run(ctx, 'case.write', (scope) => removeCasePerson(scope, params.id, params.personId)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/links',
      summary: '事例に相談・つなぎを関連づける',
      tag: '多機関協働',
      params: idParams,
      body: caseLinkSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => linkToCase(scope, params.id, body)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/cases/:id/transitions',
      summary: '事例の状態の履歴（日付・実施者・理由）',
      tag: '多機関協働',
      params: idParams,
      handler: ({ ctx, params }) =>
        gateway.run(ctx, 'case.read', async (scope) => {
          const access = await requireCase(scope, params.id, 'read', 'case.read');
          scope.audit('case.transitions.read', { targetType: 'case', targetId: params.id, subjectPersonId: access.primaryPersonId });
          return { items: await loadTransitions(scope, params.id) };
        }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/cases/:id/transitions',
      summary: '事例の状態を進める・戻す・中断・終結・再開（理由は必須。終結は会議の決定と伴走の機関を記録）',
      tag: '多機関協働',
      params: idParams,
      body: transitionInputSchema,
      handler: ({ ctx, params, body }) => gateway.run(ctx, 'case.write', (scope) => transitionCase(scope, params.id, body)),
    }),
  ];
}
