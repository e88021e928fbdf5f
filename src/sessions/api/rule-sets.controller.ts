import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidCommand } from '../../shared/domain/errors';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';
import {
  createDraft,
  deliverNotices,
  type DraftInput,
  getVersion,
  impactReport,
  listVersions,
  publishVersion,
  type RuleSetDeps,
  updateDraft,
} from '../usecases/rule-sets/rule-set-versions';
import { Actor } from '../../http/actor';
import { Can } from '../../http/auth';
import { APPLICATION_DEPS, MAIL_RECIPIENTS } from '../../http/tokens';
import type { MailRecipients } from '../../mail/usecases/queue-email';
import { validateBody } from '../../http/validation';
import { ApiErrors, ApiSuccess } from '../../http/openapi';
import * as v from '../../http/openapi/views';

const uuid = new ParseUUIDPipe({ exceptionFactory: () => new InvalidCommand('id', 'id must be a UUID') });

/** POST /rule-set-versions, PUT /rule-set-versions/:id (AGR-5, AGR-6) */
export const draftSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules', 'effectiveFrom', 'substantial', 'summary'],
  properties: {
    rules: {
      type: 'object',
      description:
        'A session rule file like src/sessions/rules/ses-2020-01.rules.json: ruleSet "sessions", version, source, rules, optional parameters overriding PARAMETERS',
    },
    effectiveFrom: {
      type: 'string',
      format: 'date',
      description: 'AGR-6: the day the version starts judging sessions; at least 1 month after publication (AGR-5, Conv art. 8.1 and 8.2)',
    },
    substantial: {
      type: 'boolean',
      description: 'AGR-5: equipment per candidate, invigilator ratio, staff profiles, premises (Conv art. 8.1)',
    },
    summary: { type: 'string', minLength: 1, maxLength: 4000, description: 'The change, in French, as the centres read it in the notice' },
  },
} as const;

const STATUSES = ['draft', 'published'] as const;

/**
 * AGR-5, AGR-6: operations draft, study and publish new versions of the session rules. Publishing notifies
 * every centre whose agrément runs: substantial changes through the agrément's action (cahier-change-notified),
 * the others by e-mail, queued in the outbox that the worker's sender delivers.
 */
@ApiTags('rule-sets')
@ApiBearerAuth()
@Controller('rule-set-versions')
export class RuleSetVersionsController {
  constructor(
    @Inject(APPLICATION_DEPS) private readonly deps: ApplicationDeps,
    @Inject(MAIL_RECIPIENTS) private readonly recipients: MailRecipients,
  ) {}

  private ruleSetDeps(): RuleSetDeps {
    return { ...this.deps, mail: { db: this.deps.db, ...this.recipients } };
  }

  @ApiSuccess(v.ruleSetVersion, { status: 201 })
  @ApiErrors(409)
  @Post()
  @Can('rule-set.draft')
  @ApiOperation({
    summary:
      'AGR-6: draft a new version of the session rules (201); 400 names the field (the rule file\'s problems under "rules"), 409 AGR-6 when the version label exists',
  })
  @ApiBody({ schema: draftSchema as object })
  create(@Actor() actor: string, @Body() body: unknown) {
    return createDraft(this.deps, validateBody<DraftInput>(draftSchema, body ?? {}), actor);
  }

  @ApiSuccess(v.ruleSetVersionList)
  @Get()
  @Can('rule-set.draft')
  @ApiOperation({
    summary: 'AGR-6: the versions drafted or published through the API, by effective date (the base cahier is in GET /rule-sets)',
  })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  list(@Query('status') status?: string) {
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
      throw new InvalidCommand('status', `status must be one of: ${STATUSES.join(', ')}`);
    return listVersions(this.deps, status as (typeof STATUSES)[number] | undefined);
  }

  @ApiSuccess(v.ruleSetVersion)
  @ApiErrors(404)
  @Get(':id')
  @Can('rule-set.draft')
  @ApiOperation({ summary: 'One version: its rules, effective date, status, and its notices to the centres once published' })
  get(@Param('id', uuid) id: string) {
    return getVersion(this.deps, id);
  }

  @ApiSuccess(v.ruleSetVersion)
  @ApiErrors(404, 409)
  @Put(':id')
  @Can('rule-set.draft')
  @ApiOperation({ summary: 'Edit a draft; 409 AGR-6 once published (a published version never changes)' })
  @ApiBody({ schema: draftSchema as object })
  update(@Actor() actor: string, @Param('id', uuid) id: string, @Body() body: unknown) {
    return updateDraft(this.deps, id, validateBody<DraftInput>(draftSchema, body ?? {}), actor);
  }

  @ApiSuccess(v.impactReport)
  @ApiErrors(404)
  @Get(':id/impact')
  @Can('rule-set.draft')
  @ApiOperation({
    summary:
      'AGR-6: the planned sessions dated from the effective date (until the next published version) that this version would refuse, with the failing rule IDs',
  })
  impact(@Param('id', uuid) id: string) {
    return impactReport(this.deps, id);
  }

  @Post(':id/publish')
  @Can('rule-set.publish')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Publish a draft (AGR-5, AGR-6): 409 AGR-5 when the effective date is less than 1 month away (Conv art. 8.1, 8.2), 409 AGR-6 when already published or another version takes effect that day. Notifies every running agrément: substantial → cahier-change-notified action; otherwise the e-mail cahier-minor-change-notice',
  })
  @ApiSuccess(v.ruleSetPublished)
  @ApiErrors(404, 409)
  publish(@Actor() actor: string, @Param('id', uuid) id: string) {
    return publishVersion(this.ruleSetDeps(), id, actor);
  }

  @ApiSuccess(v.noticeReport)
  @ApiErrors(404, 409)
  @Post(':id/notices')
  @Can('rule-set.publish')
  @HttpCode(200)
  @ApiOperation({ summary: 'AGR-5: deliver again the notices of a published version that failed (each is delivered once only)' })
  notices(@Actor() actor: string, @Param('id', uuid) id: string) {
    return deliverNotices(this.ruleSetDeps(), id, actor);
  }
}
