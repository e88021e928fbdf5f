import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Checkpoint, type CheckpointFile, parseCheckpoint } from './chain';

/**
 * Issue 12: the checkpoint sink's directory, outside the database. One file per checkpoint, written once
 * and never overwritten; verification reads them all.
 */
const PREFIX = 'checkpoint-';

/** Every checkpoint file of the sink, in name order (= time order); none when the directory does not exist. */
export async function readCheckpoints(dir: string): Promise<CheckpointFile[]> {
  const names = await fs.readdir(dir).catch((err: { code?: string }) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const files = names.filter((n) => n.startsWith(PREFIX) && n.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => ({ file, checkpoint: parseCheckpoint(await fs.readFile(path.join(dir, file), 'utf8')) })));
}

/** Writes a new checkpoint file (exclusive create: an existing file is never replaced); returns its name. */
export async function writeCheckpointFile(dir: string, c: Checkpoint): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const stamp = c.at.replace(/[-:]/g, '').replace('.', '');
  for (let n = 0; ; n++) {
    const file = `${PREFIX}${stamp}-${c.headId ?? '0'}${n ? `-${n}` : ''}.json`;
    try {
      await fs.writeFile(path.join(dir, file), `${JSON.stringify(c, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      return file;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
}
