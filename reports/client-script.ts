import { FMT_JS, NUM_JS, STYLE_AXIS_JS } from './client-format.js';
/**
 * The report page's script (plain ES2017, runs from file:// with the inlined d3 bundle): policy
 * toggle, tooltips for marks with data-tip, and hover read-outs of the time-series charts from the
 * inlined JSON (#report-data). Kept as a string so that it is shipped exactly as written.
 */
export const CLIENT_JS = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var hidden = new Set();
  var tip = d3.select('#tooltip');
  var colors = {};
  data.policies.forEach(function (p) { colors[p.policy] = p.color; });
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
  }
${FMT_JS}
  function placeTip(ev) {
    var node = tip.node(), pad = 14;
    var w = node.offsetWidth, h = node.offsetHeight;
    var x = ev.clientX + pad, y = ev.clientY + pad;
    if (x + w > window.innerWidth) x = Math.max(0, ev.clientX - w - pad);
    if (y + h > window.innerHeight) y = Math.max(0, ev.clientY - h - pad);
    tip.style('left', (x + window.scrollX) + 'px').style('top', (y + window.scrollY) + 'px');
  }
  function showTip(html, ev) { tip.html(html).style('display', 'block'); placeTip(ev); }
  function hideTip() { tip.style('display', 'none'); }

  function applyHidden() {
    d3.selectAll('svg.chart [data-policy], table.stats [data-policy]').style('display', function () {
      return hidden.has(this.getAttribute('data-policy')) ? 'none' : null;
    });
    d3.selectAll('[data-legend-policy]').style('opacity', function () {
      return hidden.has(this.getAttribute('data-legend-policy')) ? 0.3 : null;
    });
    d3.selectAll('#policy-toggle input').property('checked', function () {
      return !hidden.has(this.getAttribute('data-policy'));
    });
    rescaleBands();
    rescaleBars();
  }
${NUM_JS}
${STYLE_AXIS_JS}
  // The summary's mean and difference panels refit to the policies shown, by the rule the page
  // was drawn with (0 always inside, 6 % padding on a side with data).
  function rescaleBars() {
    d3.selectAll('svg.chart g.panel[data-width]').each(function () {
      var panel = d3.select(this);
      var w = +this.getAttribute('data-width');
      var marks = panel.selectAll('rect.bar[data-mean], circle.diff[data-mean]').filter(function () {
        return !hidden.has(this.parentNode.getAttribute('data-policy'));
      });
      var lo = 0, hi = 0, n = 0;
      marks.each(function () {
        ['data-mean', 'data-lo', 'data-hi'].forEach(function (a) {
          var v = num(this, a);
          if (v === null || !isFinite(v)) return;
          n++;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }, this);
      });
      if (n === 0) return;
      if (lo === hi) hi = lo + 1;
      var pad = (hi - lo) * 0.06;
      if (lo < 0) lo -= pad;
      if (hi > 0) hi += pad;
      var x = d3.scaleLinear().domain([lo, hi]).range([0, w]);
      var r = function (v) { return Math.round(v * 100) / 100; };
      panel.select('line.zero').attr('x1', x(0)).attr('x2', x(0));
      var ax = panel.select('g.x-axis');
      ax.selectAll('*').remove();
      ax.call(d3.axisBottom(x).ticks(5).tickFormat(fmt));
      styleAxis(ax);
      panel.selectAll('rect.bar[data-mean]').each(function () {
        var m = num(this, 'data-mean'), l = num(this, 'data-lo'), h = num(this, 'data-hi');
        d3.select(this).attr('x', r(x(Math.min(0, m)))).attr('width', r(Math.abs(x(m) - x(0))));
        if (l === null || h === null) return;
        var ci = d3.select(this.parentNode).selectAll('g.ci line').nodes();
        if (ci.length !== 3) return;
        d3.select(ci[0]).attr('x1', r(x(l))).attr('x2', r(x(h)));
        d3.select(ci[1]).attr('x1', r(x(l))).attr('x2', r(x(l)));
        d3.select(ci[2]).attr('x1', r(x(h))).attr('x2', r(x(h)));
      });
      panel.selectAll('circle.diff[data-mean]').each(function () {
        var l = num(this, 'data-lo'), h = num(this, 'data-hi');
        d3.select(this).attr('cx', r(x(num(this, 'data-mean'))));
        if (l !== null && h !== null) d3.select(this.parentNode).select('line.diff-ci').attr('x1', r(x(l))).attr('x2', r(x(h)));
      });
      panel.selectAll('text.missing, text.reference').attr('x', function () {
        return x(0) + (this.getAttribute('class') === 'missing' ? 4 : 6);
      });
    });
  }
  // A time-series panel's y axis fits the policies shown, as the page first drew it for all of
  // them: [0, 1.05 x the highest mean or band top, made nice]. Panels with a fixed domain (a
  // share) keep it. The marks are redrawn from the inlined data (5 significant digits).
  function rescaleBands() {
    d3.selectAll('rect.hover-target[data-curve]').each(function () {
      var rect = this;
      if (rect.getAttribute('data-y-fixed') === 'true') return;
      var chart = data.charts[rect.getAttribute('data-chart')];
      var facet = chart && chart.facets[rect.getAttribute('data-facet')];
      if (!facet) return;
      var w = +rect.getAttribute('data-plot-width');
      var h = +rect.getAttribute('data-plot-height');
      var xMax = +rect.getAttribute('data-x-max');
      var yMax = 0;
      var shown = 0;
      Object.keys(facet.series).forEach(function (p) {
        if (hidden.has(p)) return;
        facet.series[p].forEach(function (r) {
          shown++;
          if (r[1] !== null && r[1] > yMax) yMax = r[1];
          if (r[3] !== null && r[3] > yMax) yMax = r[3];
        });
      });
      if (shown === 0) return; // nothing shown: keep the axis as it is
      var y = d3.scaleLinear().domain([0, yMax > 0 ? yMax * 1.05 : 1]).range([h, 0]).nice();
      var x = function (r) { return (r[0] / chart.tDiv / xMax) * w; };
      var curve = rect.getAttribute('data-curve') === 'step' ? d3.curveStepBefore : d3.curveLinear;
      var mid = function (r) { return r[1] === null ? 0 : r[1]; };
      var area = d3.area().x(x).y0(function (r) { return y(r[2] === null ? mid(r) : r[2]); }).y1(function (r) { return y(r[3] === null ? mid(r) : r[3]); }).curve(curve).digits(2);
      var line = d3.line().x(x).y(function (r) { return y(mid(r)); }).curve(curve).digits(2);
      var panel = d3.select(rect.parentNode);
      var ticks = y.ticks(5);
      panel.select('g.grid').selectAll('line').data(ticks).join('line')
        .attr('x1', 0).attr('x2', w).attr('y1', function (d) { return y(d); }).attr('y2', function (d) { return y(d); }).attr('stroke', '#e5e5e5');
      var ax = panel.select('g.y-axis');
      ax.selectAll('*').remove();
      ax.call(d3.axisLeft(y).ticks(5).tickFormat(fmt));
      styleAxis(ax);
      panel.selectAll('g.series').each(function () {
        var rows = facet.series[this.getAttribute('data-policy')] || [];
        var g = d3.select(this);
        g.select('path.band').attr('d', area(rows) || '');
        g.select('path.line').attr('d', line(rows) || '');
      });
    });
  }
  function toggle(p) {
    if (hidden.has(p)) hidden.delete(p); else hidden.add(p);
    applyHidden();
  }
  d3.selectAll('#policy-toggle input').on('change', function () { toggle(this.getAttribute('data-policy')); });
  d3.selectAll('[data-legend-policy]').style('cursor', 'pointer').on('click', function () { toggle(this.getAttribute('data-legend-policy')); });
  d3.select('#show-all').on('click', function () { hidden.clear(); applyHidden(); });

  d3.selectAll('[data-tip]')
    .on('mouseenter', function (ev) { showTip(esc(this.getAttribute('data-tip')), ev); })
    .on('mousemove', placeTip)
    .on('mouseleave', hideTip);

  d3.selectAll('rect.hover-target').each(function () {
    var rect = this;
    var chart = data.charts[rect.getAttribute('data-chart')];
    if (!chart) return;
    var facet = chart.facets[rect.getAttribute('data-facet')];
    if (!facet) return;
    var xMax = +rect.getAttribute('data-x-max');
    var w = +rect.getAttribute('data-plot-width');
    var h = +rect.getAttribute('data-plot-height');
    var byPolicy = {};
    var tset = new Set();
    Object.keys(facet.series).forEach(function (p) {
      var m = new Map();
      facet.series[p].forEach(function (row) { m.set(row[0], row); tset.add(row[0]); });
      byPolicy[p] = m;
    });
    var times = Array.from(tset).sort(function (a, b) { return a - b; });
    if (times.length === 0) return;
    var rule = d3.select(rect.parentNode).insert('line', 'rect.hover-target')
      .attr('class', 'hover-rule').attr('y1', 0).attr('y2', h)
      .attr('stroke', '#333').attr('stroke-dasharray', '3 3').attr('pointer-events', 'none')
      .style('display', 'none');
    d3.select(rect)
      .on('mousemove', function (ev) {
        var mx = d3.pointer(ev, rect)[0];
        var tSec = (mx / w) * xMax * chart.tDiv;
        var t = times[d3.bisector(function (d) { return d; }).center(times, tSec)];
        var px = (t / chart.tDiv / xMax) * w;
        rule.attr('x1', px).attr('x2', px).style('display', null);
        var rows = '';
        data.policies.forEach(function (p) {
          if (hidden.has(p.policy) || !byPolicy[p.policy]) return;
          var r = byPolicy[p.policy].get(t);
          if (!r) return;
          rows += '<tr data-policy-row="' + esc(p.policy) + '"><td><span class="sw" style="background:' + p.color + '"></span>' + esc(p.policy) +
            '</td><td class="num">' + fmt(r[1]) + '</td><td class="num">[' + fmt(r[2]) + ', ' + fmt(r[3]) + ']</td><td class="num">n=' + r[4] + '</td></tr>';
        });
        showTip('<b>' + esc(facet.label) + '</b><br>t = ' + fmt(t / chart.tDiv) + ' ' + esc(chart.tUnit) + ' \u00b7 ' + esc(chart.yLabel) +
          '<table>' + rows + '</table><span class="hint">mean [95% CI], replications</span>', ev);
      })
      .on('mouseleave', function () { rule.style('display', 'none'); hideTip(); });
  });
  document.documentElement.setAttribute('data-report-ready', 'true');
})();
`;
