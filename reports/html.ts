import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLIENT_JS } from './client-script.js';
import type { PolicyStyle } from './palette.js';

const require = createRequire(import.meta.url);

let d3Bundle: string | null = null;
/** The minified d3 bundle (not in d3's exports map, so resolved next to its entry point). */
export function d3MinJs(): string {
  d3Bundle ??= readFileSync(join(dirname(require.resolve('d3')), '..', 'dist', 'd3.min.js'), 'utf8');
  return d3Bundle;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface Figure {
  svg: string;
  caption: string;
}

export interface Section {
  id: string;
  question: string;
  intro: string;
  figures: Figure[];
  /** Extra HTML after the figures (tables, notes); trusted, built by the report. */
  extra?: string;
}

export interface PageModel {
  title: string;
  subtitle: string;
  styles: readonly PolicyStyle[];
  sections: Section[];
  manifestFacts: [string, string][];
  manifestJson: string | null;
  data: unknown;
  /** Page scripts run after the common one (CLIENT_JS), each in its own element; none by default. */
  scripts?: readonly string[];
}

const CSS = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 0; color: #1a1a1a; background: #f6f6f4; }
header { background: #fff; border-bottom: 1px solid #ddd; padding: 16px 24px 10px; position: sticky; top: 0; z-index: 5; }
header h1 { font-size: 20px; margin: 0 0 4px; }
header p { margin: 0 0 8px; color: #555; font-size: 13px; }
nav#policy-toggle { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; font-size: 13px; }
nav#policy-toggle label { display: inline-flex; align-items: center; gap: 5px; cursor: pointer; }
nav#policy-toggle button { font: inherit; font-size: 12px; }
.sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
nav .toc { margin-left: auto; font-size: 12px; }
nav .toc a { margin-left: 10px; color: #0b5394; }
main { max-width: 1000px; margin: 0 auto; padding: 8px 16px 40px; }
section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; margin: 18px 0; padding: 4px 18px 14px; }
section h2 { font-size: 17px; margin: 14px 0 6px; }
section p.intro { color: #333; font-size: 14px; line-height: 1.45; margin: 0 0 10px; }
figure { margin: 8px 0 14px; overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 12px; margin-top: 4px; }
table { border-collapse: collapse; font-size: 12px; }
table.stats td, table.stats th, table.facts td, table.facts th { border-bottom: 1px solid #eee; padding: 3px 8px; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; border: 1px solid #eee; padding: 8px; font-size: 11px; overflow: auto; max-height: 360px; }
.note { color: #777; font-size: 13px; font-style: italic; }
#tooltip { position: absolute; display: none; pointer-events: none; background: rgba(255,255,255,0.97); border: 1px solid #999; border-radius: 4px; padding: 6px 8px; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); max-width: 460px; z-index: 10; }
#tooltip table td { padding: 1px 6px 1px 0; }
#tooltip .hint { color: #777; font-size: 11px; }
`;

export function renderHtml(m: PageModel): string {
  const toggle = m.styles
    .map((s) => `<label><input type="checkbox" checked data-policy="${escapeHtml(s.policy)}"><span class="sw" style="background:${s.color}"></span>${escapeHtml(s.policy)}</label>`)
    .join('');
  const toc = m.sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.id.replace(/^q-/, ''))}</a>`).join('') + '<a href="#manifest">manifest</a>';
  const sections = m.sections
    .map(
      (s) => `<section id="${s.id}"><h2>${escapeHtml(s.question)}</h2><p class="intro">${escapeHtml(s.intro)}</p>${s.figures
        .map((f) => `<figure>${f.svg}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`)
        .join('')}${s.extra ?? ''}</section>`,
    )
    .join('\n');
  const facts = m.manifestFacts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const manifest = `<section id="manifest"><h2>Run manifest</h2>${
    m.manifestJson === null
      ? '<p class="note">No manifest.json in this output directory.</p>'
      : `<table class="facts">${facts}</table><details><summary>full manifest.json</summary><pre>${escapeHtml(m.manifestJson)}</pre></details>`
  }</section>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(m.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(m.title)}</h1>
<p>${escapeHtml(m.subtitle)}</p>
<nav id="policy-toggle" aria-label="show or hide policies"><span>Policies:</span>${toggle}<button id="show-all" type="button">show all</button><span class="toc">${toc}</span></nav>
</header>
<main>
${sections}
${manifest}
</main>
<div id="tooltip" role="status"></div>
<script>${d3MinJs().replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="report-data">${scriptJson(m.data)}</script>
<script>${CLIENT_JS}</script>
${(m.scripts ?? []).map((js) => `<script>${js}</script>\n`).join('')}</body>
</html>
`;
}
