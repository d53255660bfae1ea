// The report's page: reads the data pakeana wrote into it (report-data.ts) and draws the
// overview, or a session's page when the address ends in #session-ID.
import type { ReportData, ReportSummary } from '../src/report-data.js';
import { dropCharts, redrawCharts, resizeCharts } from './charts.js';
import { h } from './dom.js';
import { overview } from './overview.js';
import { onSchemeChange } from './palette.js';
import { sessionPage } from './session-page.js';

const readJson = <T>(id: string): T => JSON.parse(document.getElementById(id)!.textContent!) as T;
const data = readJson<ReportData>('report-data');
const summary = readJson<ReportSummary>('report-summary');
const rows = new Map(data.sessions.map((row) => [row.id, row]));

const app = document.getElementById('app')!;
const main = h('main', {});
app.append(main);
const home = overview(data, summary);
let session: HTMLElement | null = null;
let scroll = 0;

function route(): void {
  const id = /^#session-(\d+)$/.exec(location.hash)?.[1];
  const row = id ? rows.get(Number(id)) : undefined;
  if (session) {
    dropCharts(session);
    session.remove();
    session = null;
  }
  if (row) {
    if (!home.hidden) scroll = window.scrollY;
    home.hidden = true;
    session = sessionPage(data, row);
    main.append(session);
    document.title = `pakeana report: session #${row.id}`;
    window.scrollTo(0, 0);
    session.querySelector('h1')?.focus();
  } else {
    home.hidden = false;
    document.title = `pakeana report: ${data.title}`;
    requestAnimationFrame(() => {
      resizeCharts();
      window.scrollTo(0, scroll);
    });
  }
}

main.append(home);
// A click anywhere on a row opens its session, as its link does.
home.addEventListener('click', (event) => {
  const row = (event.target as Element).closest('tr[data-session]');
  if (row && !(event.target as Element).closest('a') && rows.get(Number(row.getAttribute('data-session')))?.detail) location.hash = `session-${row.getAttribute('data-session')}`;
});
window.addEventListener('hashchange', route);
window.addEventListener('resize', resizeCharts);
onSchemeChange(redrawCharts);
route();
