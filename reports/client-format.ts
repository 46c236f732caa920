/**
 * The page scripts' number format (client-script.ts, client-sweep-script.ts), written once: the
 * same rule as reports/svg.ts's labels, so a read-out shows what the axis shows.
 */
export const FMT_JS = String.raw`  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return '\u2013';
    var a = Math.abs(x);
    if (a >= 1e6) return d3.format('.3~s')(x);
    if (a !== 0 && a < 0.01) return d3.format('.2~g')(x);
    if (a >= 100) return d3.format(',.0f')(x);
    return d3.format('.3~r')(x);
  }`;
