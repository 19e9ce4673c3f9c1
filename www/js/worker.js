// The page's Web Worker (a module worker, so it imports the wasm bindings like the page
// did): every call into the core runs here, off the main thread. Requests are
// `{id, lane, op, args}`; replies `{id, value}`, `{id, error}`, `{id, progress}` or
// `{id, superseded}` (see worker/lanes.js and engine.js).

import init, { zooNames } from '../pkg/coopai.js';
import { run } from './worker/lanes.js';
import * as jobs from './worker/jobs.js';

const ready = init();

addEventListener('message', async ({ data: { id, lane, op, args } }) => {
  try {
    await ready;
    if (op === 'start') postMessage({ id, value: zooNames() });
    else if (op === 'readBytes') postMessage({ id, value: await jobs.readBytes(args) });
    else {
      if (op === 'read') await jobs.importer();
      run(lane, id, jobs[op](args));
    }
  } catch (e) {
    postMessage({ id, error: e.message ?? String(e) });
  }
});
