import { count } from './french';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A duration in whole days, in French: "0 jour", "1 jour", "12 jours", or "12 jours écoulés" (APP-7's net elapsed time). */
export function daysFr(ms: number, singular = 'jour'): string {
  return count(Math.floor(Math.max(0, ms) / DAY_MS), singular);
}
