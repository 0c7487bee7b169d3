export { systemClock, type Clock, type Timer } from './clock.js';
export { FakeClock } from './fake-clock.js';
export { parseStartAt, waitUntil, startAtRecord, StartAtError, type StartAt } from './start-at.js';
