/** Inline stylesheet of the tear sheet (no external fonts or files: the page must work offline). */
export const TEAR_SHEET_CSS = `
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --up:#15803d; --down:#b91c1c; --bg:#ffffff; --panel:#f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0 0 16px; }
.grid2 { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr); gap: 24px; align-items: start; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin-bottom: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card b { display: block; font-size: 18px; }
.card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { background: var(--panel); font-weight: 600; }
.scroll thead th { position: sticky; top: 0; }
.up { color: var(--up); } .down { color: var(--down); } .muted { color: var(--muted); }
dl.config { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.config dt { color: var(--muted); } dl.config dd { margin: 0; word-break: break-word; }
figure.chart { margin: 0 0 16px; position: relative; }
figure.chart figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart .key { font-weight: 400; color: var(--muted); margin-left: 16px; font-size: 12px; }
figure.chart .key i { display: inline-block; width: 10px; height: 3px; margin-right: 4px; vertical-align: middle; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .zero { stroke: #9ca3af; stroke-width: 1; }
svg .axis { fill: var(--muted); font-size: 11px; }
svg .series { fill: none; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
svg .area { opacity: 0.18; stroke: none; }
svg .cursor { stroke: #374151; stroke-dasharray: 3 3; visibility: hidden; }
.tooltip { position: absolute; top: 0; right: 0; background: rgba(17,24,39,.9); color: #fff; font-size: 12px; padding: 3px 8px; border-radius: 4px; pointer-events: none; white-space: pre; }
table.heatmap td, table.heatmap thead th { text-align: center; min-width: 52px; }
.scroll { max-height: 480px; overflow: auto; border: 1px solid var(--line); }
td.reason { text-align: left; max-width: 520px; white-space: pre-wrap; color: #374151; }
code { font-size: 12px; }
p.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/** Hover read-out for the SVG charts. Reads the data-chart attribute; writes with textContent only. */
export const TEAR_SHEET_SCRIPT = `
(function () {
  'use strict';
  function format(value, kind) {
    if (value === null || value === undefined) return '–';
    if (kind === 'percent') return (value * 100).toFixed(2) + '%';
    if (kind === 'ratio') return value.toFixed(2);
    return value.toFixed(2);
  }
  var charts = document.querySelectorAll('svg[data-chart]');
  for (var c = 0; c < charts.length; c++) {
    (function (svg) {
      var data = JSON.parse(svg.getAttribute('data-chart'));
      var tip = svg.parentNode.querySelector('.tooltip');
      var cursor = svg.querySelector('.cursor');
      var last = data.dates.length - 1;
      svg.addEventListener('mousemove', function (event) {
        var box = svg.getBoundingClientRect();
        var x = ((event.clientX - box.left) / box.width) * data.width;
        var i = last > 0 ? Math.round(((x - data.left) / data.plotWidth) * last) : 0;
        i = Math.max(0, Math.min(last, i));
        var cx = data.left + (last > 0 ? i / last : 0.5) * data.plotWidth;
        cursor.setAttribute('x1', cx);
        cursor.setAttribute('x2', cx);
        cursor.style.visibility = 'visible';
        var parts = [data.dates[i]];
        for (var s = 0; s < data.series.length; s++) {
          parts.push(data.series[s].label + ': ' + format(data.series[s].values[i], data.format));
        }
        tip.textContent = parts.join('   ');
        tip.hidden = false;
      });
      svg.addEventListener('mouseleave', function () {
        cursor.style.visibility = 'hidden';
        tip.hidden = true;
      });
    })(charts[c]);
  }
})();
`;
