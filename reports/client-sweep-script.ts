import { FMT_JS, NUM_JS, STYLE_AXIS_JS } from './client-format.js';
/**
 * The page script of the sweep charts (plain ES2017, after CLIENT_JS, on pages with sweep charts
 * only, so that other reports stay byte for byte as they were). CLIENT_JS already hides a hidden
 * policy's marks (data-policy) and shows the points' read-outs (data-tip); this refits each
 * metric's y axis to the policies shown, by the rule the chart was drawn with
 * (reports/charts/sweep-common.ts: 0 always inside, 5 % padding on a side with data, nice), and
 * moves the points, whiskers and lines with it. It runs after CLIENT_JS's own listeners and reads
 * the policy checkboxes they have just set.
 */
export const CLIENT_SWEEP_JS = String.raw`(function () {
  'use strict';
${FMT_JS}
${NUM_JS}
  function r2(v) { return Math.round(v * 100) / 100; }
  function hiddenPolicies() {
    var h = new Set();
    d3.selectAll('#policy-toggle input').each(function () { if (!this.checked) h.add(this.getAttribute('data-policy')); });
    return h;
  }
  function yDomain(vals) {
    var lo = 0, hi = 0;
    vals.forEach(function (v) {
      if (v === null || !isFinite(v)) return;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    });
    if (lo === hi) hi = lo + 1;
    var pad = (hi - lo) * 0.05;
    if (lo < 0) lo -= pad;
    if (hi > 0) hi += pad;
    return [lo, hi];
  }
${STYLE_AXIS_JS}
  function refit() {
    var hidden = hiddenPolicies();
    d3.selectAll('svg.chart g.sweep-block').each(function () {
      var block = d3.select(this);
      var h = +this.getAttribute('data-plot-height');
      var vals = [], shown = 0;
      block.selectAll('g.series').each(function () {
        if (hidden.has(this.getAttribute('data-policy'))) return;
        d3.select(this).selectAll('circle.point').each(function () {
          shown++;
          vals.push(num(this, 'data-mean'), num(this, 'data-lo'), num(this, 'data-hi'));
        });
      });
      if (shown === 0) return; // nothing shown: keep the axis as it is
      var y = d3.scaleLinear().domain(yDomain(vals)).range([h, 0]).nice();
      var ticks = y.ticks(4);
      var line = d3.line().x(function (p) { return p[0]; }).y(function (p) { return p[1]; }).digits(2);
      block.selectAll('g.sweep-cell').each(function () {
        var cell = d3.select(this);
        var w = +cell.select('rect.frame').attr('width');
        cell.select('g.grid').selectAll('line').data(ticks).join('line')
          .attr('x1', 0).attr('x2', w).attr('y1', function (d) { return r2(y(d)); }).attr('y2', function (d) { return r2(y(d)); }).attr('stroke', '#e5e5e5');
        cell.select('line.zero').attr('y1', r2(y(0))).attr('y2', r2(y(0)));
        var ax = cell.select('g.y-axis');
        ax.selectAll('*').remove();
        ax.call(d3.axisLeft(y).ticks(4).tickFormat(fmt));
        styleAxis(ax);
        cell.selectAll('g.series').each(function () {
          var runs = [];
          d3.select(this).selectAll('g.pt').each(function () {
            var c = this.querySelector('circle.point');
            var m = num(c, 'data-mean'), lo = num(c, 'data-lo'), hi = num(c, 'data-hi'), i = num(c, 'data-i');
            c.setAttribute('cy', r2(y(m)));
            var ci = this.querySelectorAll('g.ci line');
            if (ci.length === 3 && lo !== null && hi !== null) {
              ci[0].setAttribute('y1', r2(y(lo))); ci[0].setAttribute('y2', r2(y(hi)));
              ci[1].setAttribute('y1', r2(y(lo))); ci[1].setAttribute('y2', r2(y(lo)));
              ci[2].setAttribute('y1', r2(y(hi))); ci[2].setAttribute('y2', r2(y(hi)));
            }
            var last = runs[runs.length - 1];
            var p = [+c.getAttribute('cx'), y(m), i];
            if (last && last[last.length - 1][2] === i - 1) last.push(p); else runs.push([p]);
          });
          var d = runs.filter(function (r) { return r.length > 1; }).map(function (r) { return line(r) || ''; }).join('');
          d3.select(this).select('path.line').attr('d', d);
        });
      });
    });
  }
  d3.selectAll('#policy-toggle input').on('change.sweep', refit);
  d3.selectAll('[data-legend-policy]').on('click.sweep', refit);
  d3.select('#show-all').on('click.sweep', refit);
})();
`;
