import type { SessionRow } from '../src/report-data.js';
import { formatSeconds } from '../src/duration-text.js';
import { formatBytes, formatCount, formatTime, h } from './dom.js';

const PAGE_SIZE = 100;

interface Column {
  title: string;
  sortKey: (row: SessionRow) => number | string;
  cell: (row: SessionRow) => Node | string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { title: 'session', sortKey: (r) => r.id, cell: (r) => (r.detail ? h('a', { href: `#session-${r.id}` }, `#${r.id}`) : `#${r.id}`), numeric: true },
  { title: 'start', sortKey: (r) => r.start, cell: (r) => formatTime(r.start) },
  { title: 'duration', sortKey: (r) => r.duration, cell: (r) => formatSeconds(r.duration), numeric: true },
  { title: 'client', sortKey: (r) => r.client, cell: (r) => r.client },
  { title: 'server', sortKey: (r) => r.server, cell: (r) => r.server },
  { title: 'state', sortKey: (r) => r.state, cell: (r) => r.state },
  { title: 'packets', sortKey: (r) => r.packets, cell: (r) => formatCount(r.packets), numeric: true },
  { title: 'bytes', sortKey: (r) => r.bytes, cell: (r) => formatBytes(r.bytes), numeric: true },
  { title: 'triggers', sortKey: (r) => r.triggers.join(), cell: (r) => r.triggers.join(', ') },
  { title: 'host', sortKey: (r) => r.hosts.join(), cell: (r) => `${r.hosts.join(', ')}${r.moreHosts ? ` +${formatCount(r.moreHosts)}` : ''}` },
  { title: 'status', sortKey: (r) => r.statuses[0] ?? 0, cell: (r) => r.statuses.join(', ') },
  { title: 'marks', sortKey: (r) => r.marks.join(), cell: (r) => r.marks.join(', ') },
];

interface Filters {
  trigger: string;
  address: string;
  host: string;
  status: string;
}

/**
 * The reported sessions: sortable by each column, filtered by trigger, address, host and status,
 * shown a page of PAGE_SIZE rows at a time (tens of thousands of rows stay quick). A row with a
 * page links to it.
 */
export function sessionsTable(rows: SessionRow[]): HTMLElement {
  const filters: Filters = { trigger: '', address: '', host: '', status: '' };
  let sort = { column: 0, ascending: true };
  let page = 0;
  let shown = rows;
  const tbody = h('tbody');
  const status = h('p', { class: 'table-status', 'aria-live': 'polite' });
  const previous = h('button', { type: 'button', onclick: () => go(page - 1) }, '← previous');
  const next = h('button', { type: 'button', onclick: () => go(page + 1) }, 'next →');
  const headers = COLUMNS.map((column, i) =>
    h('th', { scope: 'col', class: column.numeric ? 'num' : undefined }, h('button', { type: 'button', class: 'sort', onclick: () => sortBy(i) }, column.title)),
  );

  const apply = () => {
    const address = filters.address.trim();
    const host = filters.host.trim().toLowerCase();
    const statusText = filters.status.trim().toLowerCase().replace(/x/g, '');
    shown = rows.filter(
      (r) =>
        (!filters.trigger || r.triggers.includes(filters.trigger)) &&
        (!address || r.client.includes(address) || r.server.includes(address)) &&
        (!host || r.hosts.some((hn) => hn.toLowerCase().includes(host))) &&
        (!statusText || r.statuses.some((s) => String(s).startsWith(statusText))),
    );
    const key = COLUMNS[sort.column]!.sortKey;
    const direction = sort.ascending ? 1 : -1;
    shown = [...shown].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : 0) * direction;
    });
    headers.forEach((th, i) => (i === sort.column ? th.setAttribute('aria-sort', sort.ascending ? 'ascending' : 'descending') : th.removeAttribute('aria-sort')));
    go(0);
  };
  const go = (to: number) => {
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    page = Math.min(Math.max(0, to), pages - 1);
    const slice = shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    tbody.replaceChildren(...slice.map(rowElement));
    const first = shown.length ? page * PAGE_SIZE + 1 : 0;
    status.textContent = `${formatCount(shown.length)} of ${formatCount(rows.length)} sessions; rows ${formatCount(first)}–${formatCount(page * PAGE_SIZE + slice.length)}`;
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  const sortBy = (column: number) => {
    sort = { column, ascending: sort.column === column ? !sort.ascending : true };
    apply();
  };
  const input = (name: keyof Filters, label: string, placeholder: string) =>
    h('label', {}, `${label} `, h('input', { type: 'search', name, placeholder, oninput: (e: Event) => ((filters[name] = (e.target as HTMLInputElement).value), apply()) }));
  const triggers = [...new Set(rows.flatMap((r) => r.triggers))].sort();
  const triggerSelect = h(
    'select',
    { name: 'trigger', onchange: (e: Event) => ((filters.trigger = (e.target as HTMLSelectElement).value), apply()) },
    h('option', { value: '' }, 'any'),
    ...triggers.map((t) => h('option', { value: t }, t)),
  );
  apply();
  return h(
    'div',
    {},
    h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => e.preventDefault() }, h('label', {}, 'trigger ', triggerSelect), input('address', 'address', '10.0.0.1 or :443'), input('host', 'host', 'example.com'), input('status', 'status', '404 or 5xx')),
    status,
    h('div', { class: 'table-scroll' }, h('table', { class: 'sessions' }, h('caption', {}, 'Reported sessions: choose a column to sort, a session to open its page'), h('thead', {}, h('tr', {}, ...headers)), tbody)),
    h('nav', { class: 'pager', 'aria-label': 'table pages' }, previous, next),
  );
}

function rowElement(row: SessionRow): HTMLElement {
  return h('tr', { 'data-session': row.id }, ...COLUMNS.map((c) => h('td', { class: c.numeric ? 'num' : undefined }, c.cell(row))));
}
