// The worker's scheduler. A wasm call cannot be interrupted, so each job is a generator
// that does one bounded piece of work per step; one step runs per macrotask, and the
// messages that arrived meanwhile are handled first. A newer request in the same lane
// supersedes the job running there: its remaining steps are dropped and the page told.

/** Lanes in order of priority: what the visitor waits for first. */
const ORDER = ['solve', 'try', 'read', 'model', 'table', 'sweep'];

const jobs = new Map();
let ticking = false;

// A MessageChannel yields to the event loop without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const tick = () => channel.port2.postMessage(null);

/** Starts `job` (a generator) in `lane` for request `id`, superseding the lane's job. */
export function run(lane, id, job) {
  const old = jobs.get(lane);
  if (old) postMessage({ id: old.id, superseded: true });
  jobs.set(lane, { id, job });
  if (!ticking) {
    ticking = true;
    tick();
  }
}

channel.port1.onmessage = () => {
  const lane = ORDER.find((l) => jobs.has(l));
  if (!lane) {
    ticking = false;
    return;
  }
  const { id, job } = jobs.get(lane);
  try {
    const { done, value } = job.next();
    if (done) {
      jobs.delete(lane);
      postMessage({ id, value });
    } else if (value) {
      postMessage({ id, progress: value });
    }
  } catch (e) {
    jobs.delete(lane);
    postMessage({ id, error: e.message ?? String(e) });
  }
  tick();
};
