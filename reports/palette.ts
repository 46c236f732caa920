/**
 * Colours shared by every chart. Okabe–Ito ("Color Universal Design"), ordered so that the first
 * policies get the most distinct hues on white; yellow last because it is faint on white.
 */
export const OKABE_ITO = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
] as const;

/** Dash patterns used after the palette wraps around, so that a ninth policy is still distinguishable. */
const DASHES = ['', '6 3', '2 2', '8 3 2 3'];

export interface PolicyStyle {
  policy: string;
  color: string;
  /** SVG stroke-dasharray for lines ('' = solid). */
  dash: string;
  /** Position in the report's policy order. */
  index: number;
}

/**
 * Stable policy → style assignment: policies in the order given (the report uses the order of first
 * appearance in summary.csv, i.e. the order of `--policy`, reference policy first), colour i mod 8,
 * dash pattern after each wrap. Every chart takes this map, so a policy has one colour everywhere.
 */
export function policyStyles(policies: readonly string[]): Map<string, PolicyStyle> {
  const out = new Map<string, PolicyStyle>();
  let i = 0;
  for (const p of policies) {
    if (out.has(p)) continue;
    out.set(p, {
      policy: p,
      color: OKABE_ITO[i % OKABE_ITO.length]!,
      dash: DASHES[Math.floor(i / OKABE_ITO.length) % DASHES.length]!,
      index: i,
    });
    i++;
  }
  return out;
}

export const OUTCOMES = ['refused', 'timeout', 'handshake_failed', 'wasted', 'useful', 'open'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Raster marks: colour and shape both carry the outcome (readable without colour vision and in
 * greyscale print). Shapes are d3.symbol names.
 */
export const OUTCOME_STYLE: Record<Outcome, { label: string; color: string; symbol: 'cross' | 'circle' | 'triangle' | 'square' | 'diamond' | 'star'; filled: boolean }> = {
  refused: { label: 'refused', color: '#7F7F7F', symbol: 'cross', filled: true },
  timeout: { label: 'timed out', color: '#000000', symbol: 'circle', filled: false },
  handshake_failed: { label: 'handshake failed', color: '#CC79A7', symbol: 'triangle', filled: true },
  wasted: { label: 'wasted handshake', color: '#D55E00', symbol: 'square', filled: true },
  useful: { label: 'useful', color: '#009E73', symbol: 'diamond', filled: true },
  open: { label: 'still open at end', color: '#0072B2', symbol: 'star', filled: true },
};

export const FONT_FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif';
