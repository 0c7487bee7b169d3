import type { Command } from 'commander';
import { parseListenAddress, type ListenAddress } from '../plan/listen-address.js';
import type { Plan } from '../plan/schema.js';
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, isLoopbackHost } from '../report/dashboard/address.js';
import type { StudyPlace } from '../report/dashboard/page.js';
import { startDashboard, type Dashboard } from '../report/dashboard/server.js';
import { Steering } from '../report/dashboard/steering.js';
import { reasonOf } from '../errors.js';
import { CliError } from './exit-codes.js';
import { flagParser } from './flag-parser.js';
import type { RunFlags } from './run-flags.js';

/** The live dashboard's flags, one block so that `salvo run --help` lists them together; `page` says what the page shows and does. */
export function addDashboardFlags(
  command: Command,
  page = 'a live page of the run, with controls to change its rate, connections or setpoint and to stop it',
): Command {
  return command
    .option('--dashboard [host:port]', `serve ${page} (default ${DEFAULT_DASHBOARD_HOST}:${DEFAULT_DASHBOARD_PORT})`, flagParser(parseListenAddress))
    .option('--dashboard-token <token>', 'with --dashboard: every change made from the page must carry this token (required to listen beyond loopback)');
}

/** Where the dashboard listens, or undefined without --dashboard; refuses a non-loopback address without a token. */
export function dashboardAddressOf(flags: Pick<RunFlags, 'dashboard' | 'dashboardToken'>): ListenAddress | undefined {
  if (flags.dashboard === undefined) {
    if (flags.dashboardToken !== undefined) throw new CliError('--dashboard-token applies only with --dashboard');
    return undefined;
  }
  const address = flags.dashboard === true ? { host: DEFAULT_DASHBOARD_HOST, port: DEFAULT_DASHBOARD_PORT } : flags.dashboard;
  if (flags.dashboardToken !== undefined && flags.dashboardToken.trim().length < 8)
    throw new CliError('--dashboard-token must be at least 8 characters, not blank: it is all that stands between the page and the run');
  if (!isLoopbackHost(address.host) && flags.dashboardToken === undefined)
    throw new CliError(
      `--dashboard ${address.host} can be reached from other machines: give --dashboard-token too, so that only those who have it can steer the run`,
    );
  return address;
}

/** Starts the dashboard before the run, so that an address in use fails the command before any load is sent. */
export async function openDashboard(
  address: ListenAddress,
  token: string | undefined,
  plan: Plan,
  study?: StudyPlace,
): Promise<{ dashboard: Dashboard; steering: Steering }> {
  // A study's cells run as its grid says: its page can only stop it.
  const steering = new Steering(plan, Date.now, { stopOnly: study !== undefined });
  try {
    const dashboard = await startDashboard({ ...address, ...(token !== undefined ? { token } : {}), ...(study ? { study } : {}), plan, steering });
    return { dashboard, steering };
  } catch (error) {
    throw new CliError(`--dashboard: cannot listen on ${address.host}:${address.port} (${reasonOf(error)})`);
  }
}
