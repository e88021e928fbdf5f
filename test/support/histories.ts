import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '..', 'fixtures', 'histories');

export function historyPath(name: string): string {
  return path.join(DIR, `${name}.json`);
}

/** Writes a finished workflow's history as a replay fixture (the JSON the Temporal CLI and Web UI export). */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  writeFileSync(historyPath(name), `${historyToJSON(await handle.fetchHistory())}\n`);
}

export function loadHistory(name: string): unknown {
  return JSON.parse(readFileSync(historyPath(name), 'utf8'));
}

type Marked = {
  events?: Array<{
    markerRecordedEventAttributes?: {
      markerName?: string | null;
      details?: Record<string, { payloads?: Array<{ data?: string | Uint8Array | null }> | null }> | null;
    } | null;
  }> | null;
};

/** The patch ids a history recorded (`patched()` markers), in order: from a committed JSON fixture or a fetched history. */
export function patchesIn(history: unknown): string[] {
  return ((history as Marked).events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data ?? new Uint8Array());
    return [(JSON.parse(bytes.toString()) as { id: string }).id];
  });
}
