import path from 'node:path';
import { writeWorkflowBundle } from '../src/worker';
import { PREBUILT_WORKFLOW_BUNDLE, WORKFLOWS_PATH } from '../src/workflow-code';
import { runMain } from './run-main';

/**
 * Issue 15: the last step of `npm run build` (after tsc): bundles the compiled workflows once into
 * dist/workflow-bundle.js, which the worker of `npm start` loads instead of running webpack at start.
 */
const log = (message: string) => process.stderr.write(`[bundle-workflows] ${message}\n`);

runMain(async () => {
  const { bytes, ms } = await writeWorkflowBundle(PREBUILT_WORKFLOW_BUNDLE, WORKFLOWS_PATH);
  log(`${path.relative(process.cwd(), PREBUILT_WORKFLOW_BUNDLE)}: ${Math.round(bytes / 1024)} KiB in ${ms} ms`);
}, log);
