import type { DataSource } from 'typeorm';
import { queueEmail } from '../../mail/usecases/queue-email';
import { PARAMETERS } from '../../config/parameters';
import {
  type Checkpoint,
  ChainChecker,
  type CheckpointFile,
  checkCheckpointSignatures,
  signCheckpoint,
} from '../../shared/event-log/chain';
import { readCheckpoints, writeCheckpointFile } from '../../shared/event-log/checkpoints';
import { auditSettings } from '../../shared/event-log/settings';
import { readSettledHead, walkLog } from '../../shared/event-log/event-log';
import { type PeriodicJob, startPeriodicJob } from '../../shared/usecases/periodic-job';
import { periodicJobsRepository } from '../../shared/infra/periodic-jobs.repository';

export interface CheckpointDeps {
  db: DataSource;
  operationsEmail: string;
  /** The legal team receives the checkpoints (at most one e-mail per PARAMETERS.audit.checkpointEmailEveryHours). */
  legalEmail: string;
  now: () => Date;
}

export class CheckpointRefusedError extends Error {}

/** The newest checkpoint of the sink whose signature holds (null: none yet). */
function latest(keyring: ReturnType<typeof auditSettings>['keyring'], files: CheckpointFile[]): Checkpoint | null {
  const valid = files.filter((f) => f.checkpoint && !checkCheckpointSignatures(keyring, [f])).map((f) => f.checkpoint!);
  return (
    valid
      .sort((a, b) =>
        BigInt(a.headId ?? 0) === BigInt(b.headId ?? 0) ? a.at.localeCompare(b.at) : BigInt(a.headId ?? 0) < BigInt(b.headId ?? 0) ? -1 : 1,
      )
      .at(-1) ?? null
  );
}

/**
 * Issue 12: signs the log's head and exports it to the sink (a new file), then queues it for the legal team.
 * Nothing is written when the log did not grow since the last checkpoint. Before signing, the entries added
 * since that checkpoint are checked (links, HMACs, no legacy link): a checkpoint never vouches for a log
 * that was tampered with (CheckpointRefusedError, which the caller reports). The first checkpoint of a sink
 * checks the whole log and pins the legacy entries written before migration 1763900003800.
 */
export async function writeCheckpoint(deps: CheckpointDeps): Promise<{ file: string; checkpoint: Checkpoint } | null> {
  const { keyring, checkpointDir } = auditSettings();
  if (!checkpointDir) return null;
  const previous = latest(keyring, await readCheckpoints(checkpointDir));
  // Read under the appends' lock: the head and the count describe one settled state.
  const head = await deps.db.transaction((m) => readSettledHead(m));
  if (head.headId === null) return null; // an empty log: nothing to pin
  if (previous && previous.headId === head.headId && previous.count === head.count && previous.headHash === head.headHash) return null;

  const checker = previous
    ? new ChainChecker(keyring, [], { start: { prevHash: previous.headHash, count: previous.count, keyed: false } })
    : new ChainChecker(keyring, [], { legacyUpTo: 'any' });
  const broken = await walkLog(deps.db, checker, previous?.headId ?? '0', undefined, head.headId ?? '0');
  const end = checker.current;
  if (broken || end.prevHash !== head.headHash || end.count !== head.count) {
    throw new CheckpointRefusedError(
      `audit checkpoint refused: the log does not verify since the last checkpoint (${broken ? `${broken.reason} at ${broken.id}: ${broken.detail}` : 'head or count differ'}); run GET /audit/log/verification`,
    );
  }

  const checkpoint = signCheckpoint(keyring, { ...head, at: deps.now() });
  const file = await writeCheckpointFile(checkpointDir, checkpoint);
  const period = Math.floor(Date.parse(checkpoint.at) / (PARAMETERS.audit.checkpointEmailEveryHours * 3_600_000));
  await queueEmail(deps, {
    key: `audit-checkpoint:${period}`,
    to: null,
    audience: 'legal',
    template: 'audit-checkpoint',
    // headId: an empty log has no checkpoint (returned above).
    data: { ...checkpoint, headId: checkpoint.headId!, file, sink: checkpointDir, json: JSON.stringify(checkpoint) },
  });
  return { file, checkpoint };
}

/** The job's name, the same in every replica (periodic_job_runs.job). */
export const CHECKPOINT_JOB = 'audit-checkpoint';

/**
 * The checkpoints as a periodic job (issue 15, docs/adr/0005): one round per
 * PARAMETERS.audit.checkpointIntervalMinutes across all the replicas, each under the job's lock, so that two
 * writers never read the same previous checkpoint and sign the same head twice (nor two heads after it).
 * The replicas share the sink (AUDIT_CHECKPOINT_DIR on a shared volume). `tickMs: null`: rounds only when asked.
 */
export function auditCheckpoints(
  deps: CheckpointDeps,
  onError: (err: unknown) => void,
  options: { tickMs?: number | null } = {},
): PeriodicJob {
  return startPeriodicJob(
    { jobs: periodicJobsRepository(deps.db), now: deps.now },
    { name: CHECKPOINT_JOB, periodMs: PARAMETERS.audit.checkpointIntervalMinutes * 60_000, tickMs: options.tickMs },
    () => writeCheckpoint(deps),
    onError,
  );
}

/**
 * Checkpoints at start, then every PARAMETERS.audit.checkpointIntervalMinutes, and a last one at stop
 * (src/system.ts): the start and stop rounds run whatever the period (under the lock; nothing is written
 * when the log did not grow). Returns the stop.
 */
export async function startAuditCheckpoints(deps: CheckpointDeps, onError: (err: unknown) => void): Promise<() => Promise<void>> {
  const checkpoints = auditCheckpoints(deps, onError);
  await checkpoints.round({ anyPeriod: true });
  return async () => {
    await checkpoints.stop();
    await checkpoints.round({ anyPeriod: true });
  };
}
