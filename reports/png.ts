import { Resvg } from '@resvg/resvg-js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** DejaVu Sans from the `dejavu-fonts-ttf` dependency: the only fonts resvg may use, so PNGs are the same on every machine. */
export const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((f) => join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', f));

/** Renders an SVG string to PNG bytes (2× zoom, white background, no system fonts). */
export function svgToPng(svg: string, zoom = 2): Buffer {
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return r.render().asPng();
}
