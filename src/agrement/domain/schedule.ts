import { isEnded, type Agrement } from './model';
import type { Deadline } from './machine';
import { PROCEDURES } from './transitions';

/** Every deadline the agrément currently holds that has not fired yet, soonest first ('on' before 'by' on one day). */
export function pendingDeadlines(a: Agrement): Deadline[] {
  if (isEnded(a)) return [];
  const handled = new Set(a.handled);
  return PROCEDURES.flatMap((p) => p.deadlines(a))
    .filter((d) => !handled.has(d.key))
    .sort((x, y) => (x.on === y.on ? (x.boundary === y.boundary ? 0 : x.boundary === 'on' ? -1 : 1) : x.on < y.on ? -1 : 1));
}
