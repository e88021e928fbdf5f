import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { findOnPath, explicitExecutable, isExecutable, type Log, OutputTail, toolsCacheDir, withFileLock } from './cache-dir';

/**
 * Schemathesis (PyPI), the generator of the OpenAPI contract test (test/acceptance/openapi-contract.test.ts),
 * installed by the project itself into a virtual environment cached outside the clone, like the Temporal
 * tools: <tools cache>/schemathesis/<hash of tools/schemathesis/requirements.txt>/. The requirements file
 * pins schemathesis and every package it pulls in; changing it installs a new environment beside the old.
 */
const COMPLETE_MARKER = '.complete';

/** Finds the committed requirements by walking up from this file (works from src/ and dist/). */
export function schemathesisRequirementsPath(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'tools', 'schemathesis', 'requirements.txt');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`tools/schemathesis/requirements.txt not found above ${__dirname}`);
    dir = parent;
  }
}

export interface SchemathesisLayout {
  version: string;
  requirements: string;
  dir: string;
  executable: string;
  marker: string;
}

export async function schemathesisLayout(): Promise<SchemathesisLayout> {
  const requirements = schemathesisRequirementsPath();
  const text = await fs.readFile(requirements, 'utf8');
  const version = /^schemathesis==(\S+)$/m.exec(text)?.[1];
  if (!version) throw new Error(`${requirements} does not pin schemathesis==<version>`);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const dir = path.join(toolsCacheDir(), 'schemathesis', `${version}-${hash}`);
  return { version, requirements, dir, executable: path.join(dir, 'bin', 'schemathesis'), marker: path.join(dir, COMPLETE_MARKER) };
}

/**
 * The path of the pinned `schemathesis` executable: `$SCHEMATHESIS_PATH` if set, else the cached virtual
 * environment, created the first time (python3 -m venv, then pip install -r requirements.txt).
 */
export async function ensureSchemathesis(log: Log): Promise<string> {
  const explicit = await explicitExecutable('SCHEMATHESIS_PATH');
  if (explicit) return explicit;
  const layout = await schemathesisLayout();
  if (existsSync(layout.marker) && (await isExecutable(layout.executable))) return layout.executable;
  const python = (await findOnPath('python3')) ?? (await findOnPath('python'));
  if (!python) throw new Error('Python 3 (python3 on PATH) is required to install schemathesis for the OpenAPI contract test.');
  return withFileLock(
    `${layout.dir}.lock`,
    async () => {
      if (existsSync(layout.marker) && (await isExecutable(layout.executable))) return layout.executable;
      log(`Installing schemathesis ${layout.version} into ${layout.dir} (once)…`);
      await fs.rm(layout.dir, { recursive: true, force: true });
      await run(python, ['-m', 'venv', layout.dir]);
      await run(path.join(layout.dir, 'bin', 'python'), [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-input',
        '-r',
        layout.requirements,
      ]);
      if (!(await isExecutable(layout.executable))) throw new Error(`schemathesis was installed but ${layout.executable} is missing`);
      await fs.writeFile(layout.marker, `schemathesis ${layout.version}\n`);
      log(`schemathesis ${layout.version} ready.`);
      return layout.executable;
    },
    { log, what: 'installing schemathesis' },
  );
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tail = new OutputTail();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => tail.push(c));
    child.stderr.on('data', (c: Buffer) => tail.push(c));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${tail.toString()}`)),
    );
  });
}
