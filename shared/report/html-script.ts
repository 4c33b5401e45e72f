import { createHash } from 'node:crypto';

/**
 * The report page's one script: sorting on every `table.sortable` (a button in each header; numbers compare as
 * numbers) and a filter box above every `table.filterable` (rows whose text lacks the query are hidden). A table
 * with several `tbody` (the drift table: one per item, its fields as rows) sorts and filters them whole. Without
 * the script the tables are there as rendered, in the report's order. It reads only the page: no network, no
 * storage, no `eval`, no inline handlers (the content security policy allows this script by its hash, and nothing
 * else).
 */
export const PAGE_SCRIPT = `(() => {
  const units = (table) => table.tBodies.length > 1 ? [...table.tBodies].map((b) => ({ el: b, row: b.rows[0], parent: table })) : [...table.tBodies[0].rows].map((r) => ({ el: r, row: r, parent: table.tBodies[0] }));
  const cellAt = (row, col) => {
    let at = 0;
    for (const c of row.cells) { if (col < at + c.colSpan) return c; at += c.colSpan; }
    return undefined;
  };
  const keyOf = (u, col) => (cellAt(u.row, col)?.textContent ?? '').trim();
  const number = (s) => (/^-?\\d+(\\.\\d+)?%?( |$)/.test(s) ? parseFloat(s) : NaN);
  const compare = (a, b) => {
    const [x, y] = [number(a), number(b)];
    return Number.isNaN(x) || Number.isNaN(y) ? a.localeCompare(b, undefined, { numeric: true }) : x - y;
  };
  for (const table of document.querySelectorAll('table.sortable')) {
    const heads = [...table.tHead.rows[0].cells];
    heads.forEach((th, col) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.textContent = th.textContent;
      th.textContent = '';
      th.append(button);
      button.addEventListener('click', () => {
        const down = th.getAttribute('aria-sort') === 'ascending';
        for (const h of heads) h.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
        const list = units(table).sort((a, b) => compare(keyOf(a, col), keyOf(b, col)) * (down ? -1 : 1));
        for (const u of list) u.parent.append(u.el);
      });
    });
  }
  for (const table of document.querySelectorAll('table.filterable')) {
    const box = document.createElement('p');
    box.className = 'filter';
    const input = document.createElement('input');
    input.type = 'search';
    input.placeholder = 'Filter rows';
    input.setAttribute('aria-label', 'Filter the rows of ' + (table.getAttribute('aria-label') ?? 'this table'));
    const count = document.createElement('span');
    count.className = 'small';
    box.append(input, count);
    table.closest('.scroll').before(box);
    input.addEventListener('input', () => {
      const q = input.value.trim().toLowerCase();
      const list = units(table);
      let shown = 0;
      for (const u of list) { u.el.hidden = q !== '' && !u.el.textContent.toLowerCase().includes(q); if (!u.el.hidden) shown++; }
      count.textContent = q ? shown + ' of ' + list.length + ' shown' : '';
    });
  }
})();`;

/** The CSP source that allows exactly PAGE_SCRIPT to run. */
export const PAGE_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(PAGE_SCRIPT).digest('base64')}'`;
