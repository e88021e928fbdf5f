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
