import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { PARAMETERS } from '../../config/parameters';
import type { Agrement, AgrementEvent, AgrementStart, DeadlineOutcome } from '../domain/agrement';
import { emailsFor } from '../domain/notifications';
import { InvalidCommand, TransitionRefused } from '../../shared/domain/errors';
import { dateIn, endOfDay, startOfDay, zonedInstant } from '../../shared/domain/zoned-time';
import type { RecordAgrementInput } from '../infra/agrement.repository';
import { agrementWorkflowRepository } from '../infra/agrement-workflow.repository';
import { workflowCode } from '../../workflow-code';
import type { Log } from '../../shared/tools/cache-dir';
import { loadTestingPackage, timeSkippingServer } from '../../shared/temporal/time-skipping';
import {
  agrementActionUpdate,
  type AgrementAction,
  type AgrementWorkflowActivities,
  type AgrementWorkflowInput,
} from '../workflows/definitions';
import { indexOfEvent, type Scenario, type ScenarioEvent, type WhatIf } from './scenario';

export interface TimelineEntry {
  on: string;
  at: string;
  kind: 'state' | 'deadline' | 'proposal' | 'email';
  name: string;
  rule: string;
  /** E-mails: who receives it (the centre, Pix operations or the legal team), as one event may write to several. */
  to?: 'centre' | 'operations' | 'legal';
  /** Deadlines: the outcome from the ledger — met (when, by which event), missed or reached (what followed), cancelled or superseded (why, the new date), or pending. */
  outcome?: DeadlineOutcome;
  /** When it was met, missed, reached, cancelled or superseded (null while pending). */
  outcomeOn?: string | null;
  /** The events that met, followed, cancelled or superseded it. */
  outcomeBy?: string | null;
  /** Superseded: the date that replaced it. */
  supersededByOn?: string;
}

/** Events of a scenario happen at 09:00 local time on their day. */
const EVENT_HOUR = 9;
/** How many one-second nudges a past deadline gets before the simulation reports the workflow stuck. */
const STALL_LIMIT = 60;

/** One run of the production workflow on the time-skipping server: how it starts, then the events to send. */
interface Run {
  input: AgrementWorkflowInput;
  /** The workflow's clock when it starts (ms since the epoch). */
  startAt: number;
  /** Events after the start, sorted by date. */
  events: ScenarioEvent[];
  until: string;
  confirmProposals: boolean;
  timeZone: string;
}

/**
 * Replays a scenario through the production agrément workflow on the time-skipping test server:
 * the workflow's clock is shifted to the scenario's dates, activities record instead of writing
 * to PostgreSQL and sending mail. Returns the dated timeline the workflow produced.
 */
export async function simulate(scenario: Scenario, log: Log): Promise<TimelineEntry[]> {
  const tz = scenario.subject.timezone;
  const [first, ...rest] = scenario.events as [ScenarioEvent, ...ScenarioEvent[]];
  const id = randomUUID();
  const records = await run(
    {
      startAt: zonedInstant(first.on, tz, EVENT_HOUR).getTime(),
      input: {
        start: {
          agrementId: id,
          organisationId: id,
          organisationName: 'Centre simulé',
          email: 'centre@simulation.invalid',
          kind: scenario.subject.kind,
          foreign: scenario.subject.foreign,
          timeZone: tz,
          startOn: first.on,
          years: first.years ?? (scenario.subject.foreign ? 1 : 3),
          referent: { name: 'Référent', email: 'referent@simulation.invalid', trainedOn: null, recognisedQualifications: false },
        },
      },
      events: rest,
      until: scenario.until,
      confirmProposals: scenario.confirmProposals,
      timeZone: tz,
    },
    log,
  );
  return timeline(records, null, scenario.until, tz);
}

/**
 * What-if on a real agrément (issue 10 §3): the production workflow continues from the agrément's
 * current state (the `input.state` path of continue-as-new) with its clock at `now`, and receives the
 * hypothetical events. Nothing real changes: activities only record. The timeline covers what happens
 * from now to `until` in the agrément's zone, with every deadline's outcome from the ledger.
 */
export async function simulateFrom(agrement: Agrement, whatIf: WhatIf, now: Date, log: Log): Promise<TimelineEntry[]> {
  const tz = agrement.timeZone ?? PARAMETERS.agrement.timeZone;
  const start: AgrementStart = {
    agrementId: agrement.agrementId,
    organisationId: agrement.organisationId,
    organisationName: agrement.organisationName,
    email: agrement.email,
    kind: agrement.kind,
    foreign: agrement.foreign,
    timeZone: tz,
    startOn: agrement.startOn,
    years: agrement.initialYears,
    referent: {
      name: agrement.referent.name,
      email: agrement.referent.email,
      trainedOn: null,
      recognisedQualifications: agrement.referent.recognisedQualifications,
    },
  };
  const records = await run(
    {
      startAt: now.getTime(),
      input: { start, state: agrement },
      events: whatIf.events,
      until: whatIf.until,
      confirmProposals: whatIf.confirmProposals,
      timeZone: tz,
    },
    log,
  );
  return timeline(records, agrement, whatIf.until, tz);
}

async function run(r: Run, log: Log): Promise<RecordAgrementInput[]> {
  // Standard output carries only the timeline: native core logs are forwarded to a logger on stderr.
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR', (entry) => log(`${entry.level} ${entry.message}`)),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // A runtime already runs in this process (tests, the API): keep its logging.
  }
  const tz = r.timeZone;
  const records: RecordAgrementInput[] = [];
  // Issue 15 (docs/adr/0004): a deployment without the testing package or the test server answers 503 with the reason.
  const { TestWorkflowEnvironment } = await loadTestingPackage();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await timeSkippingServer(log) } },
  });
  try {
    const taskQueue = `simulation-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      ...workflowCode(),
      activities: simulatedActivities(records),
    });
    await worker.runUntil(async () => {
      const offset = r.startAt - (await env.currentTimeMs());
      const now = async () => (await env.currentTimeMs()) + offset;
      const input: AgrementWorkflowInput = { ...r.input, clockOffsetMs: offset };
      const handle = await env.client.workflow.start('agrementWorkflow', {
        workflowId: `agrement-${r.input.start.agrementId}`,
        taskQueue,
        args: [input],
      });
      const workflow = agrementWorkflowRepository(env.client);
      const state = () => workflow.currentState(handle.workflowId);
      const act = (action: AgrementAction) =>
        handle.executeUpdate(agrementActionUpdate, { args: [{ action, actor: 'simulation', reason: 'scénario' }] });
      let ended = false;

      const confirmOpenProposals = async () => {
        if (!r.confirmProposals || ended) return;
        for (const p of (await state()).proposals.filter((x) => x.kind === 'termination')) {
          const s = await act({ type: 'proposal-confirmed', on: dateIn(new Date(await now()), tz), proposalId: p.id });
          ended = s.state === 'terminated' || s.state === 'expired';
        }
      };
      let stalled = 0;
      const advanceTo = async (target: number) => {
        for (;;) {
          await confirmOpenProposals();
          const s = await state();
          ended = s.state === 'terminated' || s.state === 'expired';
          const current = await now();
          if (ended || current >= target) return;
          const next = s.deadlines[0] ? Date.parse(s.deadlines[0].at) + 1000 : Infinity;
          // A deadline the workflow does not act on (a failing activity) would make this loop spin: stop and say so.
          stalled = next <= current ? stalled + 1 : 0;
          if (stalled > STALL_LIMIT)
            throw new Error(
              `the simulation stalled at ${new Date(current).toISOString()}: deadline ${s.deadlines[0]?.key} is past and the workflow does not move`,
            );
          await env.sleep(Math.max(1, Math.min(target, next) - current));
        }
      };

      for (const [position, ev] of r.events.entries()) {
        await advanceTo(zonedInstant(ev.on, tz, EVENT_HOUR).getTime());
        if (ended) break;
        // Errors name the event as the request gave it (events are sorted by date).
        const i = indexOfEvent(ev, position);
        const action = toAction(ev, i, await state());
        if (action) {
          try {
            await act(action);
          } catch (err) {
            throw refusal(err, i, ev);
          }
        }
      }
      await advanceTo(endOfDay(r.until, tz).getTime());
    });
  } finally {
    await env.teardown();
  }
  return records;
}

/** A refused event, as a 409 naming the rule the workflow refused it by (or 400 naming the event's field). */
function refusal(err: unknown, i: number, ev: ScenarioEvent): Error {
  const what = `events[${i}] (${ev.type}) on ${ev.on} was refused`;
  const failure = (err as { cause?: unknown }).cause;
  if (failure instanceof ApplicationFailure) {
    const details: Record<string, unknown> = { ...((failure.details?.[0] ?? {}) as Record<string, unknown>), event: i };
    if (failure.type === 'InvalidCommand')
      return new InvalidCommand(`events[${i}]${details.field ? `.${String(details.field)}` : ''}`, `${what}: ${failure.message}`, details);
    return new TransitionRefused(String(details.ruleId ?? 'SIM'), `${what}: ${failure.message}`, details);
  }
  return new TransitionRefused('SIM', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}

/** Every activity of the agrément workflow, recording instead of writing: what-if touches no data and sends no mail. */
function simulatedActivities(records: RecordAgrementInput[]): AgrementWorkflowActivities {
  return {
    async recordAgrement(input) {
      records.push(input);
    },
    async sendEmail() {
      return { queued: true, messageId: 'simulated' };
    },
    async makeAmountsPayableNow(input) {
      return { ...input, statements: [] };
    },
    async liftAmountsPayableNow() {},
    // SES-9: a what-if holds no sessions: none is affected. The notice's e-mail is not on the timeline, which
    // lists the agrément's own letters (emailsFor); the workflow still schedules it, as in production.
    async notifyAffectedSessions() {
      return { blocked: [], atRisk: [], notified: [] };
    },
  };
}

let sessionCounter = 0;

function toAction(ev: ScenarioEvent, index: number, s: { proposals: { id: string; kind: string }[] }): AgrementAction | null {
  const on = ev.on;
  switch (ev.type) {
    case 'referent.trained':
      return { type: 'referent-trained', on };
    case 'referent.badge-obtained':
      return { type: 'badge-obtained', on };
    case 'sessions.finalised':
      return {
        type: 'sessions-finalised',
        sessionId: `scenario-${index}-${++sessionCounter}`,
        finalisedOn: on,
        candidates: ev.candidates!,
      };
    case 'renewal.requested':
      return { type: 'renewal-requested', on };
    case 'renewal.accepted':
      return { type: 'renewal-accepted', on, years: ev.years };
    case 'suspension.started':
      return { type: 'suspended', on, reason: ev.reason ?? 'suspension (scénario)' };
    case 'suspension.lifted':
      return { type: 'suspension-lifted', on };
    case 'breach.notified':
      return { type: 'breach-notified', letterSentOn: on, reason: ev.reason ?? 'manquement (scénario)' };
    case 'breach.cured':
      return { type: 'breach-cured', on, evidence: ev.evidence ?? 'preuve (scénario)' };
    case 'visit.demanded':
      return { type: 'visit-demanded', on };
    case 'visit.accepted':
      return { type: 'visit-answered', on, accepted: true };
    case 'visit.refused':
      return { type: 'visit-answered', on, accepted: false };
    case 'termination.requested':
      return { type: 'termination-requested', on };
    case 'termination.confirmed': {
      const p = s.proposals.find((x) => x.kind === 'termination');
      if (!p) throw new TransitionRefused('BRE-4', `events[${index}] (termination.confirmed) on ${on}: no termination proposal is open`);
      return { type: 'proposal-confirmed', on, proposalId: p.id };
    }
    case 'force-majeure.started':
      return { type: 'force-majeure-started', on };
    case 'force-majeure.ended':
      return { type: 'force-majeure-ended', on };
    case 'cahier.substantial-change':
      return {
        type: 'cahier-change-notified',
        on,
        effectiveOn: ev.effectiveOn,
        summary: ev.summary ?? 'modification substantielle (scénario)',
      };
    case 'attestation.received':
      return null;
  }
}

/**
 * The timeline: every state reached, proposal and e-mail, and each deadline once with its outcome from the
 * ledger (met, missed, reached, cancelled, superseded or still pending), sorted by time. From a real agrément
 * (`initial`), only what the simulation saw: deadlines already closed before it are history (GET /agrements/{id}).
 */
function timeline(records: RecordAgrementInput[], initial: Agrement | null, until: string, tz: string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const entry = (at: string, kind: TimelineEntry['kind'], name: string, rule: string) =>
    out.push({ on: dateIn(new Date(at), tz), at, kind, name, rule });
  for (const r of records) {
    for (const e of r.events as AgrementEvent[]) {
      if (e.type === 'agrement-started') entry(r.at, 'state', 'active', 'APP-6');
      else if (e.from !== e.to) entry(r.at, 'state', e.to, e.ruleIds[0] ?? '');
      if (e.type.endsWith('-proposed')) entry(r.at, 'proposal', e.type, e.ruleIds[0] ?? '');
      for (const m of emailsFor(e, r.agrement))
        out.push({ on: dateIn(new Date(r.at), tz), at: r.at, kind: 'email', name: m.template, rule: e.ruleIds[0] ?? '', to: m.audience });
    }
  }
  // Deadlines: each once, from the last ledger, those dated within the horizon.
  const closedBefore = new Set((initial?.ledger ?? []).filter((e) => e.outcome !== 'pending').map((e) => e.key));
  const ledger = (records.at(-1)?.agrement ?? initial)?.ledger ?? [];
  const horizon = endOfDay(until, tz).getTime();
  const seen = new Set<string>();
  for (const d of ledger) {
    if (seen.has(d.key) || closedBefore.has(d.key)) continue;
    seen.add(d.key);
    const at = (d.boundary === 'on' ? startOfDay(d.on, tz) : endOfDay(d.on, tz)).toISOString();
    if (Date.parse(at) > horizon) continue;
    out.push({
      on: d.on,
      at,
      kind: 'deadline',
      name: d.name,
      rule: d.ruleId,
      outcome: d.outcome,
      outcomeOn: d.outcomeOn,
      outcomeBy: d.outcomeBy,
      ...(d.supersededByOn ? { supersededByOn: d.supersededByOn } : {}),
    });
  }
  const order = { deadline: 0, state: 1, proposal: 2, email: 3 } as const;
  return out.sort((a, b) => (a.at === b.at ? order[a.kind] - order[b.kind] : a.at < b.at ? -1 : 1));
}
