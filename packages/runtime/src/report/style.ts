// The report's stylesheet, inlined into report.html: one legible column, system fonts (nothing to fetch).

/** CSS for report.html. */
export const REPORT_CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --paper: #ffffff; --wash: #f5f7fa; --accent: #1d3f72;
  --band: rgba(214, 69, 65, 0.16); --box: #e63946; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--wash); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 16px 0 8px; display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 18px 0; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 10px 5px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; }
td.number { font-variant-numeric: tabular-nums; text-align: right; padding-right: 16px; white-space: nowrap; }
table.metrics td.number { font-size: 17px; font-weight: 600; }
table.metrics td.variant, .note, .aside { color: var(--muted); }
table.facts th { width: 11em; font-weight: 600; }
table.compact { width: auto; margin-top: 6px; }
table.speed, table.timings { width: auto; min-width: 50%; }
td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; word-break: break-all; }
td.total { font-weight: 600; }
.missing { color: var(--muted); font-style: italic; margin: 4px 0; }
.note { font-size: 13px; margin: 4px 0 10px; }
.aside { font-size: 13px; margin-left: 8px; }
figure { margin: 0; }
figcaption { font-size: 14px; margin-bottom: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 14px 18px; }
.pair { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 14px 18px; }
.narrow { max-width: 460px; }
svg.plot { display: block; width: 100%; height: auto; overflow: visible; font-size: 11px; }
svg.plot .gridline { stroke: #eef2f6; stroke-width: 1; }
svg.plot .axis { stroke: #9aa5b1; stroke-width: 1; fill: none; }
svg.plot .tick { fill: var(--muted); }
svg.plot .label { fill: var(--ink); font-size: 12px; }
svg.plot .band { fill: var(--band); }
svg.plot .rule { stroke: #7b8794; stroke-width: 1; stroke-dasharray: 3 3; }
svg.plot .chance { stroke: #bcccdc; stroke-width: 1; stroke-dasharray: 4 4; fill: none; }
svg.plot .series { fill: none; stroke-linejoin: round; stroke-linecap: round; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--muted); margin: 0 0 6px; }
.legend-item { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 2.5px solid; }
.swatch.dashed { border-top-style: dashed; }
.band-swatch { height: 12px; border: 0; background: var(--band); }
figure.frame { margin: 0 0 18px; }
.panels { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 8px; }
.panel .image { position: relative; width: 100%; background: #000; border-radius: 3px; overflow: hidden; }
.panel img { display: block; width: 100%; height: 100%; object-fit: fill; image-rendering: pixelated; }
.panel svg.overlay { position: absolute; inset: 0; width: 100%; height: 100%; }
.panel svg.overlay .box { fill: none; stroke: var(--box); stroke-width: 2; vector-effect: non-scaling-stroke; }
.panel .placeholder { display: flex; align-items: center; justify-content: center; padding: 6px; text-align: center;
  background: var(--wash); color: var(--muted); font-size: 12px; border: 1px dashed var(--line); }
.panel-label { font-size: 12px; color: var(--muted); text-align: center; margin-top: 3px; }
footer { color: var(--muted); font-size: 13px; text-align: center; margin-top: 24px; }
@media (max-width: 720px) { .panels { grid-template-columns: repeat(2, minmax(0, 1fr)); } .grid, .pair { grid-template-columns: 1fr; } }
`;
