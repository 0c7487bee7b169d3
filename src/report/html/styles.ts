/** The report's own look: light, system fonts, one column on a phone, a grid on a wide screen. */
export const REPORT_CSS = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --page: #f8fafc; --bad: #dc2626; --warn: #b45309; --good: #15803d; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px clamp(12px, 3vw, 40px) 48px; background: var(--page); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header h1 { margin: 0; font-size: 22px; }
header .target { margin: 4px 0 0; font: 600 15px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; word-break: break-all; }
header .meta { margin: 4px 0 0; color: var(--muted); }
h2 { margin: 32px 0 12px; font-size: 17px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.badge.pass { background: #dcfce7; color: var(--good); }
.badge.fail { background: #fee2e2; color: var(--bad); }
.badge.warn { background: #fef3c7; color: var(--warn); }
.warnings { margin: 16px 0 0; padding: 10px 14px 10px 32px; background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; color: #78350f; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-top: 20px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
.card .note { color: var(--muted); font-size: 12.5px; }
.card.bad .value { color: var(--bad); }
.card.warn .value { color: var(--warn); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); gap: 16px; }
figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 14px 8px; min-width: 0; }
figure h3 { margin: 0; font-size: 15px; }
figure figcaption { color: var(--muted); font-size: 12.5px; margin: 2px 0 8px; }
.chart { width: 100%; min-height: 280px; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); gap: 16px; }
table.data { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
.data th, .data td { padding: 7px 12px; border-bottom: 1px solid var(--line); text-align: left; }
.data th { background: #f1f5f9; font-weight: 600; font-size: 12.5px; color: #334155; }
.data .number { text-align: right; font-variant-numeric: tabular-nums; }
.data tr:last-child td { border-bottom: 0; }
.data code { font-size: 13px; }
.uplot .u-legend { font-size: 12.5px; }
.empty { color: var(--muted); background: var(--panel); border: 1px dashed var(--line); border-radius: 10px; padding: 12px 14px; margin: 0; }
pre.plan { margin: 0; padding: 14px; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; font-size: 12.5px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;
