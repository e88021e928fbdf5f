import { PARAMETERS } from '../../config/parameters';
import { type Agrement, isEnded } from '../domain/agrement';
import { addYears, isoDate, parseIsoDate } from '../../shared/domain/dates';
import { TransitionRefused } from '../../shared/domain/errors';
import { dateIn } from '../../shared/domain/zoned-time';
import { findAgrement } from '../infra/agrement.repository';
import { agrementWorkflowRepository } from '../infra/agrement-workflow.repository';
import type { Log } from '../../shared/tools/cache-dir';
import { parseWhatIf } from '../simulation/scenario';
import { simulateFrom, type TimelineEntry } from '../simulation/simulate';
import { agrementWorkflowId } from '../workflows/definitions';
import type { ApplicationDeps } from '../../shared/usecases/dependencies';

/**
 * What-if on a real agrément (issue 10 §3): "if we send the letter today, when can we terminate?".
 * The body is validated against today in the agrément's zone before anything runs; the simulation
 * starts from the agrément's current state, read from its running workflow (the read model when the
 * workflow does not answer), and changes nothing real: no write, no e-mail, no message to the workflow.
 */
export async function whatIfOnAgrement(
  deps: Pick<ApplicationDeps, 'db' | 'temporal' | 'now'>,
  agrementId: string,
  body: unknown,
  log: Log,
): Promise<TimelineEntry[]> {
  const { agrement: row } = await findAgrement(deps.db, agrementId);
  const recorded = row.snapshot;
  const timeZone = recorded.timeZone ?? PARAMETERS.agrement.timeZone;
  const now = deps.now();
  const today = dateIn(now, timeZone);
  const horizon = isoDate(addYears(parseIsoDate(today), PARAMETERS.simulation.whatIfHorizonYears));
  const whatIf = parseWhatIf(body ?? {}, today, horizon);
  if (isEnded(recorded)) throw ended(recorded);
  const current = await currentAgrement(deps, recorded);
  if (isEnded(current)) throw ended(current);
  return simulateFrom(current, whatIf, now, log);
}

/** AGR-4, TER-5: an ended agrément has no future to simulate. */
function ended(a: Agrement): TransitionRefused {
  const ruleId = a.state === 'expired' ? 'AGR-4' : 'TER-5';
  return new TransitionRefused(
    ruleId,
    `the agrément has ${a.state === 'expired' ? 'expired' : 'ended'}${a.end ? ` on ${a.end.on}` : ''}: a what-if starts from a running agrément (${ruleId})`,
    {
      state: a.state,
    },
  );
}

/** The agrément as its workflow holds it now (the read model may lag behind an action in flight). */
async function currentAgrement(deps: Pick<ApplicationDeps, 'temporal'>, recorded: Agrement): Promise<Agrement> {
  try {
    const snapshot = await agrementWorkflowRepository(deps.temporal).currentState(agrementWorkflowId(recorded.organisationId));
    const { deadlines: _deadlines, sessionBlocker: _blocker, today: _today, ...agrement } = snapshot;
    // The organisation's workflow carries a later agrément: this one is what the read model recorded.
    return agrement.agrementId === recorded.agrementId ? (agrement as Agrement) : recorded;
  } catch {
    return recorded;
  }
}
