import type { RunResult, ThresholdResult } from '../../result/types.js';
import { BREAKDOWN_COLUMNS, breakdownCells, breakdownSections } from '../breakdown-table.js';
import { formatCount, formatMs } from '../../units/format.js';
import { formatThresholdValue } from '../threshold-value.js';
import { escapeHtml } from './escape.js';

interface Column {
  title: string;
  numeric?: boolean;
}

/** Cells are HTML: callers escape what they put in them. */
function tableHtml(id: string, columns: Column[], rows: string[][]): string {
  const cell = (tag: 'th' | 'td', column: Column, content: string): string => `<${tag}${column.numeric ? ' class="number"' : ''}>${content}</${tag}>`;
  const head = `<tr>${columns.map((column) => cell('th', column, escapeHtml(column.title))).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((content, index) => cell('td', columns[index]!, content)).join('')}</tr>`).join('');
  return `<table class="data" id="${id}"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

const percentOf = (count: number, whole: number): string => (whole > 0 ? `${((100 * count) / whole).toFixed(2)}%` : '–');

export function errorCausesHtml(result: RunResult): string {
  const { errors, requests } = result.summary;
  const entries = Object.entries(errors);
  if (entries.length === 0) return '<p class="empty" id="error-causes">No errors: every request due was sent and answered below 400.</p>';
  const due = requests.sent + requests.dropped;
  return tableHtml(
    'error-causes',
    [{ title: 'cause' }, { title: 'count', numeric: true }, { title: 'of requests due', numeric: true }],
    entries.map(([cause, count]) => [`<code>${escapeHtml(cause)}</code>`, formatCount(count), percentOf(count, due)]),
  );
}

export function statusCodesHtml(result: RunResult): string {
  const entries = Object.entries(result.summary.statusCodes);
  if (entries.length === 0) return '<p class="empty" id="status-codes">No answers were received.</p>';
  const answered = entries.reduce((sum, [, count]) => sum + count, 0);
  return tableHtml(
    'status-codes',
    [{ title: 'status' }, { title: 'count', numeric: true }, { title: 'of answers', numeric: true }],
    entries.map(([status, count]) => [escapeHtml(status), formatCount(count), percentOf(count, answered)]),
  );
}

function thresholdOutcomeHtml(threshold: ThresholdResult): string {
  const verdict = threshold.passed ? '<span class="badge pass">passed</span>' : '<span class="badge fail">failed</span>';
  const when = threshold.second === undefined ? '' : ` in second ${threshold.second}`;
  return `${verdict}${escapeHtml(when)}${threshold.abortedRun ? ' <span class="badge warn">ended the run</span>' : ''}`;
}

export function thresholdsHtml(thresholds: readonly ThresholdResult[]): string {
  return tableHtml(
    'thresholds',
    [{ title: 'threshold' }, { title: 'actual', numeric: true }, { title: 'outcome' }],
    thresholds.map((threshold) => [
      `<code>${escapeHtml(threshold.expression)}</code>`,
      escapeHtml(formatThresholdValue(threshold.unit, threshold.actual)),
      thresholdOutcomeHtml(threshold),
    ]),
  );
}

/** The changes made to the load while it ran (from the live dashboard); empty when there were none. */
export function eventsHtml(result: RunResult): string {
  const { events } = result;
  if (!events || events.length === 0) return '';
  const value = (count: number | null): string => (count === null ? '–' : escapeHtml(formatCount(count)));
  return `<h2>Changes made while it ran</h2>${tableHtml(
    'events',
    [{ title: 'at', numeric: true }, { title: 'what' }, { title: 'from', numeric: true }, { title: 'to', numeric: true }],
    events.map((event) => [escapeHtml(formatMs(event.tMs)), escapeHtml(event.what), value(event.from), value(event.to)]),
  )}`;
}

/** Virtual users' tables (Locust's): by task, user type and phase, then checks and script errors; empty for open-model runs. */
export function breakdownHtml(result: RunResult): string {
  const { breakdown } = result;
  if (!breakdown) return '';
  const numeric = BREAKDOWN_COLUMNS.map((title) => ({ title, numeric: true }));
  const tables = breakdownSections(breakdown).map(({ title, rows }) =>
    tableHtml(
      `by-${title.replace(' ', '-')}`,
      [{ title }, ...numeric],
      rows.map((stats) => [escapeHtml(stats.name), ...breakdownCells(stats, result.durationMs).map(escapeHtml)]),
    ),
  );
  if (breakdown.checks.length > 0) {
    tables.push(
      tableHtml(
        'checks',
        [{ title: 'check' }, { title: 'passed', numeric: true }, { title: 'failed', numeric: true }],
        breakdown.checks.map((check) => [escapeHtml(check.name), formatCount(check.passes), formatCount(check.fails)]),
      ),
    );
  }
  if (breakdown.counters.length > 0) {
    tables.push(
      tableHtml(
        'counters',
        [{ title: 'counter' }, { title: 'count', numeric: true }],
        breakdown.counters.map(({ name, count }) => [escapeHtml(name), formatCount(count)]),
      ),
    );
  }
  if (breakdown.exceptions.length > 0) {
    tables.push(
      tableHtml(
        'script-errors',
        [{ title: 'script error' }, { title: 'count', numeric: true }],
        breakdown.exceptions.map(({ message, count }) => [escapeHtml(message), formatCount(count)]),
      ),
    );
  }
  return `<h2>Virtual users</h2>\n<section class="tables">${tables.join('')}</section>`;
}
