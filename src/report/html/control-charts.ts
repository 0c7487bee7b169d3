import type { ControlResult } from '../../control/control-loop.js';
import type { ChartSpec } from './chart-spec.js';

const COLOR = { setpoint: '#94a3b8', measured: '#16a34a', concurrency: '#2563eb' };

/** A held throughput's two charts: setpoint against measured throughput, and the dial that held it. */
export function controlCharts(control: ControlResult): ChartSpec[] {
  const x = control.trace.map((entry) => entry.tMs / 1000);
  const xLabels = control.trace.map((entry) => `${(entry.tMs / 1000).toFixed(2)} s`);
  const base = { xTitle: 'second of the run', xAxis: { kind: 'seconds' } as const, x, xLabels };
  return [
    {
      ...base,
      id: 'control-throughput',
      title: `Held throughput (${control.controller})`,
      caption: `The setpoint and the completed requests per second measured each tick${control.unreachable ? '; the setpoint was out of reach for a while' : ''}.`,
      unit: 'req/s',
      series: [
        { label: 'setpoint', color: COLOR.setpoint, dashed: true, values: control.trace.map((entry) => entry.setpointPerSec) },
        { label: 'measured', color: COLOR.measured, values: control.trace.map((entry) => Math.round(entry.measuredPerSec * 10) / 10) },
      ],
    },
    {
      ...base,
      id: 'control-concurrency',
      title: 'Concurrency (the dial)',
      caption: 'Requests kept in flight on average, as the controller set them each tick (a fraction is one request in flight that share of the time).',
      unit: 'in flight',
      series: [{ label: 'concurrency', color: COLOR.concurrency, values: control.trace.map((entry) => Math.round(entry.concurrency * 100) / 100) }],
    },
  ];
}
