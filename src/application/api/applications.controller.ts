import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { APPLICATION_STATES } from '../domain/procedure';
import { receiptInstant } from '../domain/procedure-clock';
import type { ApplicationData, Piece } from '../domain/application';
import { canSeeOrganisation } from '../../access/domain/permissions';
import { type Principal, SCOPED_ROLES } from '../../access/domain/roles';
import { InvalidCommand, NotFound } from '../../shared/domain/errors';
import { applicationOrganisation, visibleOrganisationIds } from '../../access/usecases/scope';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import { getApplication, listApplicationsView } from '../usecases/read-applications';
import { recordDecision } from '../usecases/record-decision';
import { applicantOrganisationId, submitApplication } from '../usecases/submit-application';
import {
  decideAdmissibilityUpdate,
  type DecideAdmissibility,
  grantAgrementUpdate,
  issueAttestationUpdate,
  receiveAdhesionFormUpdate,
  recordConformityVisitUpdate,
  recordReferentTrainedUpdate,
  requireConformityVisitUpdate,
  submitPiecesUpdate,
} from '../workflows/definitions';
import { Actor, IdempotencyKey } from '../../http/actor';
import { Can, CurrentPrincipal } from '../../http/auth/decorators';
import { APPLICATION_DEPS } from '../../http/tokens';
import { intParam, validateBody } from '../../http/validation';
import {
  admissibilitySchema,
  attestationSchema,
  conformityVisitSchema,
  createApplicationSchema,
  datedSchema,
  grantSchema,
  reasonOnlySchema,
  submitPiecesSchema,
} from './schemas';
import { ApiErrors, ApiSuccess, ApiPage } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const idParam = new ParseUUIDPipe({ version: undefined, exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

@ApiTags('applications')
@ApiBearerAuth()
@Controller('applications')
export class ApplicationsController {
  constructor(@Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps) {}

  @ApiSuccess(v.applicationView, {
    status: [201, 200],
    description: '201 received (its workflow runs); 200 the same request again (Idempotency-Key)',
  })
  @ApiErrors(409)
  @Post()
  @Can('application.create')
  @ApiOperation({
    summary:
      'Submit an agrément application (APP-1): individual, network with its members, or higher-education (DOC-3). Pix operations enter any (a new organisation is created); a centre applies only for its own organisation',
  })
  @ApiBody({ schema: createApplicationSchema as object })
  @ApiResponse({ status: 201, description: 'Application received; its workflow runs' })
  @ApiResponse({ status: 400, description: 'Invalid field (named in `field`)' })
  @ApiResponse({
    status: 409,
    description:
      'APP-1: a centre applies only for its own organisation as Pix recorded it (same name, UAI and e-mail); new organisations and network applications are entered by Pix operations',
  })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Actor() actor: string,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { receivedOn, ...data } = validateBody<ApplicationData & { receivedOn?: string }>(createApplicationSchema, body);
    // APP-7: a file received earlier is entered by Pix operations with the day they received it; a centre's own
    // application is received when it sends it.
    if (receivedOn !== undefined && SCOPED_ROLES.includes(principal.role))
      throw new InvalidCommand(
        'receivedOn',
        'receivedOn is recorded by Pix operations: an application a centre sends is received when sent',
      );
    const receivedAt = receiptInstant(receivedOn, this.deps.now());
    // Keys name applications globally: a centre's are namespaced by its user, so replaying someone
    // else's key cannot return their application.
    const ownKey = key !== undefined && SCOPED_ROLES.includes(principal.role) ? `${principal.userId}:${key}` : key;
    // APP-1: a centre applies only for its own organisation (409 otherwise, before anything is stored).
    const organisationId = await applicantOrganisationId(this.deps, principal, data);
    const { applicationId, created } = await submitApplication(this.deps, data, actor, ownKey, organisationId, receivedAt);
    res.status(created ? 201 : 200);
    return getApplication(this.deps, applicationId);
  }

  @ApiSuccess(v.applicationList)
  @Get()
  @Can('application.read')
  @ApiOperation({ summary: 'List applications, optionally by state or overdue (APP-7); a centre or coordinator sees only its own' })
  @ApiQuery({ name: 'state', required: false, enum: [...APPLICATION_STATES] })
  @ApiQuery({ name: 'overdue', required: false, type: Boolean })
  @ApiPage()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query('state') state?: string,
    @Query('overdue') overdue?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    if (state !== undefined && !(APPLICATION_STATES as readonly string[]).includes(state)) {
      throw new InvalidCommand('state', `state must be one of: ${APPLICATION_STATES.join(', ')}`);
    }
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false')
      throw new InvalidCommand('overdue', 'overdue must be true or false');
    return listApplicationsView(this.deps, {
      state,
      overdue: overdue === 'true',
      limit: intParam('limit', limit, 50, 1, 500),
      offset: intParam('offset', offset, 0, 0, 1_000_000),
      organisationIds: (await visibleOrganisationIds(this.deps.db, principal)) ?? undefined,
    });
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404)
  @Get(':id')
  @Can('application.read')
  @ApiOperation({ summary: 'One application: state, APP-7 clock, pieces, timeline (event log) and rule explanations (DOC, ELIG)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  async get(@Param('id', idParam) id: string, @CurrentPrincipal() principal: Principal) {
    await this.assertVisible(principal, id);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/pieces')
  @HttpCode(200)
  @Can('application.add-pieces')
  @ApiOperation({ summary: 'Add pieces to the dossier (DOC-1..4); an incomplete application goes back to Pix' })
  @ApiBody({ schema: submitPiecesSchema as object })
  async addPieces(
    @Param('id', idParam) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Actor() actor: string,
    @IdempotencyKey() key?: string,
  ) {
    await this.assertVisible(principal, id);
    const u = validateBody<{ pieces: Omit<Piece, 'id' | 'receivedAt'>[]; reason?: string }>(submitPiecesSchema, body);
    const receivedAt = this.deps.now().toISOString();
    const pieces: Piece[] = u.pieces.map((p) => ({ ...p, id: randomUUID(), receivedAt }));
    await recordDecision(this.deps, id, submitPiecesUpdate, { actor, reason: u.reason ?? null, pieces }, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/admissibility')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({
    summary: 'Decide admissibility (APP-2): admissible, incomplete with the missing pieces (DOC-4), or rejected with reasons',
  })
  @ApiBody({ schema: admissibilitySchema as object })
  async admissibility(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<Omit<DecideAdmissibility, 'actor'>>(admissibilitySchema, body);
    await recordDecision(this.deps, id, decideAdmissibilityUpdate, { ...u, actor } as DecideAdmissibility, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/conformity-visit/requirement')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({ summary: 'Require a conformity visit before the grant (APP-3)' })
  @ApiBody({ schema: reasonOnlySchema as object })
  async requireVisit(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<{ reason?: string }>(reasonOnlySchema, body ?? {});
    await recordDecision(this.deps, id, requireConformityVisitUpdate, { actor, reason: u.reason ?? null }, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/conformity-visit')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({ summary: 'Record the conformity visit, its outcome and cost (charged within the APP-3 cap)' })
  @ApiBody({ schema: conformityVisitSchema as object })
  async recordVisit(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<{ on: string; costEur: number; compliant: boolean; reason?: string }>(conformityVisitSchema, body);
    await recordDecision(this.deps, id, recordConformityVisitUpdate, { ...u, actor, reason: u.reason ?? null }, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/referent-training')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({ summary: 'Record that the référent completed the training (APP-4, REF-2)' })
  @ApiBody({ schema: datedSchema as object })
  async referentTrained(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<{ on: string; reason?: string }>(datedSchema, body);
    await recordDecision(this.deps, id, recordReferentTrainedUpdate, { ...u, actor, reason: u.reason ?? null }, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/grant')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({
    summary:
      'Grant the agrément for 1 to 3 years, 3 by default (APP-5; APP-8: at most 1 abroad), with the number of référents agreed for a network (REF-1)',
  })
  @ApiBody({ schema: grantSchema as object })
  async grant(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<{ years?: number; referentCount?: number; reason?: string }>(grantSchema, body ?? {});
    await recordDecision(this.deps, id, grantAgrementUpdate, { ...u, actor, reason: u.reason ?? null }, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/adhesion-form')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({ summary: 'Record receipt of the signed adhesion form (APP-6)' })
  @ApiBody({ schema: datedSchema as object })
  async adhesionForm(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<{ on: string; reason?: string }>(datedSchema, body);
    await recordDecision(this.deps, id, receiveAdhesionFormUpdate, { ...u, actor, reason: u.reason ?? null }, key);
    return getApplication(this.deps, id);
  }

  @ApiSuccess(v.applicationView)
  @ApiErrors(404, 409)
  @Post(':id/attestation')
  @HttpCode(200)
  @Can('application.decide')
  @ApiOperation({ summary: "Issue the attestation d'agrément; the term runs from its receipt (APP-6)" })
  @ApiBody({ schema: attestationSchema as object })
  async attestation(@Param('id', idParam) id: string, @Body() body: unknown, @Actor() actor: string, @IdempotencyKey() key?: string) {
    const u = validateBody<{ receivedOn: string; reason?: string }>(attestationSchema, body);
    await recordDecision(this.deps, id, issueAttestationUpdate, { ...u, actor, reason: u.reason ?? null }, key);
    return getApplication(this.deps, id);
  }

  /**
   * A centre or coordinator only sees its own organisation's (or network's) applications; another's
   * answers 404 like an unknown id, so existence does not leak.
   */
  private async assertVisible(principal: Principal, applicationId: string): Promise<void> {
    if (!SCOPED_ROLES.includes(principal.role)) return;
    const owner = await applicationOrganisation(this.deps.db, applicationId);
    if (!owner || !canSeeOrganisation(principal, owner.organisationId, owner.networkId)) {
      throw new NotFound(`application ${applicationId} not found`, { applicationId });
    }
  }
}
