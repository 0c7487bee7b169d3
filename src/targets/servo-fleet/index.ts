export { startServoFleet, type RunningServoFleet, type ServoFleetOptions } from './server.js';
export { Fleet, Rejection, REJECTION_NAMES, NO_PROGRESS, type AppSnapshot } from './fleet.js';
export { TRANSITIONS, type Transition } from './transitions.js';
export { State, Event, Command, STATE_NAMES, EVENT_NAMES, COMMAND_NAMES } from './protocol.js';
export { DEFAULT_ADJUST_SETTINGS, adjustSettingsProblems, type AdjustSettings } from './commands.js';
export { SnapshotError, takeSnapshot, restoreSnapshot, loadStateFile, saveStateFile, type FleetSnapshot } from './snapshot.js';
export { appName, parseAppName } from './app-name.js';
