import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '../../access/domain/roles';
import { visibleOrganisationIds } from '../../access/usecases/scope';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { pendingProposals } from '../usecases/portfolio';
import { Can, CurrentPrincipal } from '../../http/auth';
import { APPLICATION_DEPS } from '../../http/tokens';
import { ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';
import { formatParam, oneOf, pageParams, placeFilter, reply, singleValues } from './list-query';

const PROPOSAL_KINDS = ['termination', 'breach-notice', 'suspension'] as const;

/**
 * Issue 14, the "Propositions" screen: the legal team's queue (BRE-4: the engine proposes, a person decides). Read
 * with agrement.read, as GET /agrements/{id} shows an agrément's open proposals: Pix staff see every one, a centre
 * those of its own agrément, a coordinator its network's (a member centre none: the proposals are its network's).
 * Each is decided through POST /agrements/{agrementId}/actions/confirm-proposal or decline-proposal (legal team),
 * with its proposalId and a reason.
 */
@ApiTags('agrements')
@ApiBearerAuth()
@Controller('proposals')
export class ProposalsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @Get()
  @Can('agrement.read')
  @ApiOperation({
    summary:
      'BRE-4: the proposals waiting for the legal team (termination, formal notice, suspension) on running agréments, with their grounds, oldest first; ?format=csv. Decided through POST /agrements/{agrementId}/actions/confirm-proposal or decline-proposal',
  })
  @ApiSuccess(v.proposalQueue, { csv: true })
  @ApiQuery({ name: 'kind', required: false, enum: [...PROPOSAL_KINDS] })
  @ApiQuery({ name: 'department', required: false, description: 'INSEE department code, e.g. 69, 2A, 974' })
  @ApiQuery({ name: 'region', required: false, description: 'INSEE region code (GET /dashboard/regions)' })
  @ApiPage({ format: true, limitDescription: 'JSON: 1 to 1,000 (default 50); CSV: up to 100,000 (default all)' })
  async list(@CurrentPrincipal() principal: Principal, @Query() raw: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const q = singleValues(raw);
    const format = formatParam(q);
    const query = { kind: oneOf('kind', q.kind, PROPOSAL_KINDS), ...placeFilter(q), ...pageParams(q) };
    const organisationIds = (await visibleOrganisationIds(this.deps.db, principal)) ?? undefined;
    const page = await pendingProposals(this.deps.db, { ...query, organisationIds });
    return reply(res, format, 'propositions', page, (p) => ({ ...p, ruleIds: p.ruleIds.join(' ') }));
  }
}
