import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { AgrementEvent } from '../domain/agrement/agrement';
import { emailsFor } from '../domain/agrement/notifications';
import { TransitionRefused } from '../domain/errors';
import { dateIn, endOfDay, zonedInstant } from '../domain/zoned-time';
import type { RecordAgrementInput } from '../infra/database/agrement-store';
import { WORKFLOWS_PATH } from '../infra/temporal/worker';
import type { Log } from '../infra/tools/cache-dir';
import { ensureTestServerExecutable } from '../infra/tools/test-server';
import { agrementActionUpdate, type AgrementAction, agrementStateQuery, type AgrementWorkflowActivities, type AgrementWorkflowInput, type DatedDeadline } from '../workflows/agrement/definitions';
import type { Scenario, ScenarioEvent } from './scenario';

export interface TimelineEntry {
  on: string;
  at: string;
  kind: 'state' | 'deadline' | 'proposal' | 'email';
  name: string;
  rule: string;
  /** E-mails: who receives it (the centre, Pix operations or the legal team), as one event may write to several. */
  to?: 'centre' | 'operations' | 'legal';
}

/** Events of a scenario happen at 09:00 local time on their day. */
const EVENT_HOUR = 9;
/** How many one-second nudges a past deadline gets before the simulation reports the workflow stuck. */
const STALL_LIMIT = 60;

/**
 * Replays a scenario through the production agrément workflow on the time-skipping test server:
 * the workflow's clock is shifted to the scenario's dates, activities record instead of writing
 * to PostgreSQL and sending mail. Returns the dated timeline the workflow produced.
 */
export async function simulate(scenario: Scenario, log: Log): Promise<TimelineEntry[]> {
  // Standard output carries only the timeline: native core logs are forwarded to a logger on stderr.
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR', (entry) => log(`${entry.level} ${entry.message}`)),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // A runtime already runs in this process (tests, the API): keep its logging.
  }
  const tz = scenario.subject.timezone;
  const records: RecordAgrementInput[] = [];
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await ensureTestServerExecutable(log) } },
  });
  try {
    const taskQueue = `simulation-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      activities: simulatedActivities(records),
    });
    await worker.runUntil(async () => {
      const [first, ...rest] = scenario.events as [ScenarioEvent, ...ScenarioEvent[]];
      const id = randomUUID();
      const startAt = zonedInstant(first.on, tz, EVENT_HOUR).getTime();
      const offset = startAt - (await env.currentTimeMs());
      const now = async () => (await env.currentTimeMs()) + offset;
      const input: AgrementWorkflowInput = {
        clockOffsetMs: offset,
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
      };
      const handle = await env.client.workflow.start('agrementWorkflow', { workflowId: `agrement-${id}`, taskQueue, args: [input] });
      const state = () => handle.query(agrementStateQuery);
      const act = (action: AgrementAction) => handle.executeUpdate(agrementActionUpdate, { args: [{ action, actor: 'simulation', reason: 'scénario' }] });
      let ended = false;

      const confirmOpenProposals = async () => {
        if (!scenario.confirmProposals || ended) return;
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
          if (stalled > STALL_LIMIT) throw new Error(`the simulation stalled at ${new Date(current).toISOString()}: deadline ${s.deadlines[0]?.key} is past and the workflow does not move`);
                    await env.sleep(Math.max(1, Math.min(target, next) - current));
        }
      };

      for (const [i, ev] of rest.entries()) {
        await advanceTo(zonedInstant(ev.on, tz, EVENT_HOUR).getTime());
        if (ended) break;
        const action = toAction(ev, i + 1, await state());
        if (action) {
          try {
            await act(action);
          } catch (err) {
            const cause = (err as { cause?: { message?: string } }).cause;
            throw new TransitionRefused('SIM', `events[${i + 1}] (${ev.type}) on ${ev.on} was refused: ${cause?.message ?? String(err)}`);
          }
        }
      }
      await advanceTo(endOfDay(scenario.until, tz).getTime());
    });
  } finally {
    await env.teardown();
  }
  return timeline(records, scenario, tz);
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
      return { type: 'sessions-finalised', sessionId: `scenario-${index}-${++sessionCounter}`, finalisedOn: on, candidates: ev.candidates! };
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
      return { type: 'cahier-change-notified', on, effectiveOn: ev.effectiveOn, summary: ev.summary ?? 'modification substantielle (scénario)' };
    case 'attestation.received':
      return null;
  }
}

/** The timeline: every state reached, deadline met or pending, proposal and e-mail, sorted by time. */
function timeline(records: RecordAgrementInput[], scenario: Scenario, tz: string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const entry = (at: string, kind: TimelineEntry['kind'], name: string, rule: string) => out.push({ on: dateIn(new Date(at), tz), at, kind, name, rule });
  const deadlines = new Map<string, DatedDeadline>();
  for (const r of records) {
    for (const d of r.deadlines) deadlines.set(d.key, d);
    for (const e of r.events as AgrementEvent[]) {
      if (e.type === 'agrement-started') entry(r.at, 'state', 'active', 'APP-6');
      else if (e.from !== e.to) entry(r.at, 'state', e.to, e.ruleIds[0] ?? '');
      if (e.type.endsWith('-proposed')) entry(r.at, 'proposal', e.type, e.ruleIds[0] ?? '');
      for (const m of emailsFor(e, r.agrement)) out.push({ on: dateIn(new Date(r.at), tz), at: r.at, kind: 'email', name: m.template, rule: e.ruleIds[0] ?? '', to: m.audience });
    }
  }
  // Deadlines: those reached, and those still pending within the scenario's horizon; not those superseded.
  const last = records.at(-1)?.agrement;
  const relevant = new Set([...(last?.handled ?? []), ...(records.at(-1)?.deadlines ?? []).map((d) => d.key)]);
  const horizon = endOfDay(scenario.until, tz).getTime();
  for (const [key, d] of deadlines) {
    if (relevant.has(key) && Date.parse(d.at) <= horizon) out.push({ on: d.on, at: d.at, kind: 'deadline', name: d.name, rule: d.ruleId });
  }
  const order = { deadline: 0, state: 1, proposal: 2, email: 3 } as const;
  return out.sort((a, b) => (a.at === b.at ? order[a.kind] - order[b.kind] : a.at < b.at ? -1 : 1));
}
