import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportData, ReportSummary } from './report-data.js';

/** The page's script and styles, bundled at build time (scripts/build-page.mjs), read once. */
let assets: { script: string; style: string } | null = null;

function pageAssets(): { script: string; style: string } {
  const dir = join(__dirname, 'page');
  assets ??= { script: readFileSync(join(dir, 'page.js'), 'utf8'), style: readFileSync(join(dir, 'page.css'), 'utf8') };
  return assets;
}

/**
 * JSON to put inside a `<script type="application/json">`: `<` escaped, so no text of the
 * traffic (a URI, a host) can close the element or open a comment.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** An element holding one session's page (read by the page when the session is opened). */
export function detailElement(id: number, json: string): string {
  return `<script type="application/json" id="session-${id}">${json}</script>\n`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page, in the pieces to write one after the other: what comes before the session pages,
 * the session pages (already elements), what follows. The summary states the file's size,
 * so it is serialised until the size it states is the size it makes.
 */
export function pageParts(data: Omit<ReportData, 'summary'>, summary: Omit<ReportSummary, 'fileBytes'>, details: string[]): string[] {
  const { script, style } = pageAssets();
  const head =
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="color-scheme" content="light dark">\n<title>pakeana report: ${escapeHtml(data.title)}</title>\n<style>${style}</style>\n</head>\n` +
    `<body>\n<noscript>This report draws its charts and tables with JavaScript: allow scripts for this file.</noscript>\n<div id="app"></div>\n` +
    `<script type="application/json" id="report-data">${scriptJson(data)}</script>\n`;
  const tail = `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>\n</body>\n</html>\n`;
  const fixed = Buffer.byteLength(head) + Buffer.byteLength(tail) + details.reduce((n, d) => n + Buffer.byteLength(d), 0);
  let fileBytes = 0;
  let element = '';
  for (let i = 0; i < 4; i++) {
    element = `<script type="application/json" id="report-summary">${scriptJson({ ...summary, fileBytes })}</script>\n`;
    const total = fixed + Buffer.byteLength(element);
    if (total === fileBytes) break;
    fileBytes = total;
  }
  return [head, element, ...details, tail];
}
