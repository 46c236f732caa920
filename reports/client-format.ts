/**
 * What the two page scripts (client-script.ts, client-sweep-script.ts) share, written once. The
 * number format is the same rule as reports/svg.ts's labels, so a read-out shows what the axis
 * shows.
 */
export const FMT_JS = String.raw`  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return '\u2013';
    var a = Math.abs(x);
    if (a >= 1e6) return d3.format('.3~s')(x);
    if (a !== 0 && a < 0.01) return d3.format('.2~g')(x);
    if (a >= 100) return d3.format(',.0f')(x);
    return d3.format('.3~r')(x);
  }`;

/** A numeric attribute of an element, or null when absent or empty. */
export const NUM_JS = String.raw`  function num(el, name) {
    var v = el.getAttribute(name);
    return v === null || v === '' ? null : +v;
  }`;

/** An axis redrawn on the page styled as reports/svg.ts draws it. */
export const STYLE_AXIS_JS = String.raw`  function styleAxis(ax) {
    ax.attr('font-family', null).attr('font-size', 10);
    ax.selectAll('.domain').attr('stroke', '#555');
    ax.selectAll('.tick line').attr('stroke', '#555');
    ax.selectAll('.tick text').attr('fill', '#222');
  }`;
