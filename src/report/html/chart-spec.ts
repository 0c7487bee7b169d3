/** One line of a chart; `null` leaves a gap (a second with no answers, an empty histogram). */
export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

/**
 * Everything the page needs to draw one chart, computed in Node so that the browser only draws.
 * It is inlined into the page as JSON.
 */
export interface ChartSpec {
  /** Stable: the container is `#chart-<id>` with `data-chart="<id>"`. */
  id: string;
  title: string;
  caption: string;
  xTitle: string;
  /** Whole seconds of the run, or 1/(1-p) of a percentile curve: a log axis with ticks only at `ticks`. */
  xAxis: { kind: 'seconds' } | { kind: 'percentile'; ticks: { at: number[]; labels: string[] } };
  /** The y axis unit, also shown after each value in the legend. */
  unit: string;
  x: number[];
  /** The legend's text for each x, since a raw x (a second, or 1/(1-p)) means little there. */
  xLabels: string[];
  series: ChartSeries[];
}
