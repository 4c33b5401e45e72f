import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/report/html.js';
import { SCRIPT, sampleReport } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const HEADINGS = ['Coverage', 'Since the last run', 'Per rule', 'Collectors', 'Drift', 'Unmirrored ENIs', 'Opted out', 'Not in scope', 'Failed events', 'Errors'];
const WIDTHS = [1400, 800] as const;

// Off CI a machine without Debian's chromium skips, saying so; CI installs it (.ci/run), so there it must run.
const missing = !existsSync(CHROMIUM);
if (missing && !process.env.CI) console.warn(`skipping the headless Chromium report test: ${CHROMIUM} is missing (apt-get install chromium)`);

/** A PNG's size, from its IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

/** In the page (the tests' TypeScript has no DOM types): the units a table sorts and filters, as the page script sees them. */
const UNITS = `(t) => (t.tBodies.length > 1 ? [...t.tBodies] : [...t.tBodies[0].rows])`;

/** The id (or first cell) of each visible row, or drift item, of a table, in the order shown. */
const shownRows = (page: Page, table: string): Promise<string[]> =>
  page.evaluate(`(${UNITS})(document.querySelector(${JSON.stringify(table)}))
    .filter((u) => !u.hidden)
    .map((u) => { const c = (u.rows ? u.rows[0] : u).cells[0]; return (c.querySelector('code') ?? c).textContent.trim(); })`);

describe.skipIf(missing && !process.env.CI)('the HTML drift report in headless Chromium', () => {
  let profile: string;
  let context: BrowserContext;
  const pages = new Map<number, Page>();
  const shots = new Map<number, Buffer>();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  /**
   * This run's own folder for the page and its full-page screenshots. No pixel is compared (pixels differ between
   * Chromium builds and fonts): the tests measure the page instead, element boxes, text, row order and requests, and
   * of each screenshot only its size (the viewport's width, tall enough to hold every heading).
   */
  const out = mkdtempSync(join(tmpdir(), 'automirror-report-'));
  const file = join(out, 'drift-report.html');

  beforeAll(async () => {
    writeFileSync(file, renderHtml(sampleReport({ hostile: true })));
    profile = mkdtempSync(join(tmpdir(), 'automirror-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: WIDTHS[0], height: 900 },
    });
    context.on('request', (r) => requests.push(r.url()));
    for (const width of WIDTHS) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(e.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      shots.set(width, await page.screenshot({ path: join(out, `drift-report-${width}.png`), fullPage: true, type: 'png' }));
      pages.set(width, page);
    }
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  it('loads nothing but itself, runs only its own script, and breaks no content security rule', () => {
    expect(requests).toEqual(WIDTHS.map(() => pathToFileURL(file).href));
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('refuses any other inline script, as its content security policy says', async () => {
    const page = pages.get(800)!;
    const refused = new Promise<string>((resolve) => page.once('console', (m) => resolve(m.text())));
    await page.evaluate(`document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.injected = true' }))`);
    expect(await refused).toMatch(/inline script/);
    expect(await page.evaluate('window.injected')).toBeUndefined();
    consoleErrors.length = 0;
  });

  for (const width of WIDTHS) {
    describe(`at ${width} px`, () => {
      const page = () => pages.get(width)!;

      it('leads with the headline: both coverages, named, and the fleet split four ways', async () => {
        const headline = page().locator('p.headline');
        expect(await headline.textContent()).toBe(
          'Opted-in coverage 92.3% (24 of 26 ENIs a rule selects) · fleet coverage 80.0% (24 of 30 ENIs): 24 mirrored, 2 opted in but unmirrored, 0 opted out, 4 not in scope',
        );
        const box = (await headline.boundingBox())!;
        expect(box.y + box.height).toBeLessThan(400);
      });

      it('shows each expected heading once, within the full-page screenshot', async () => {
        const { width: w, height } = pngSize(shots.get(width)!);
        expect(w).toBe(width);
        for (const name of HEADINGS) {
          const heading = page().getByRole('heading', { level: 2, name, exact: true });
          expect(await heading.count(), name).toBe(1);
          expect(await heading.isVisible(), name).toBe(true);
          const box = await heading.boundingBox();
          expect(box, name).not.toBeNull();
          expect(box!.width * box!.height, name).toBeGreaterThan(0);
          expect(box!.x, name).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width, name).toBeLessThanOrEqual(w);
          expect(box!.y + box!.height, name).toBeLessThanOrEqual(height);
        }
      });

      it('has the per-rule table with a row per rule of the policy', async () => {
        const rows = await page().evaluate(`[...document.querySelectorAll('table.rules tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim()))`);
        expect(rows).toEqual([
          ['prod-web', '24', '24', '0', '0', '24', '100.0%'],
          ['pci-db', '2', '0', '2', '0', '0', '0.0%'],
        ]);
      });

      it('never scrolls sideways: no element reaches past the viewport, wide tables scroll in their own box', async () => {
        expect(await page().evaluate('document.documentElement.scrollWidth <= innerWidth')).toBe(true);
        const past = await page().evaluate(
          `[...document.querySelectorAll('body *')].filter((e) => !e.closest('.scroll') && e.getBoundingClientRect().right > innerWidth + 0.5).map((e) => e.outerHTML.slice(0, 80))`,
        );
        expect(past).toEqual([]);
      });

      it('breaks no id, and no compared value, across lines', async () => {
        const heights: Array<{ text: string; lines: number; tall: boolean }> = await page().evaluate(`[...document.querySelectorAll('code.id, td.wanted code, td.actual code')].map((e) => ({
          text: e.textContent,
          lines: e.getClientRects().length,
          tall: e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).lineHeight) * 1.5,
        }))`);
        expect(heights.length).toBeGreaterThan(100);
        expect(heights.filter((h) => h.lines !== 1 || h.tall)).toEqual([]);
        const absent = page().locator('td.actual code', { hasText: '(absent)' }).first();
        expect(await absent.evaluate((e) => e.getClientRects().length)).toBe(1);
      });
    });
  }

  it('sorts a table by a click on its header, and back the other way', async () => {
    const page = pages.get(1400)!;
    const table = 'table[aria-label="mirrored ENIs"]';
    await page.locator('details > summary').first().click();
    const initial = await shownRows(page, table);
    expect(initial.slice(0, 3)).toEqual(['eni-web001', 'eni-web002', 'eni-web004']);
    const instance = page.locator(`${table} th button`, { hasText: 'Instance' });
    await instance.click();
    const up = await shownRows(page, table);
    // By instance, numbers as numbers (i-web2 before i-web10), across the regions the report groups the ENIs by.
    expect(up).toEqual(Array.from({ length: 24 }, (_, n) => `eni-web${String(n + 1).padStart(3, '0')}`));
    expect(up).not.toEqual(initial);
    expect(await page.locator(`${table} th`, { hasText: 'Instance' }).getAttribute('aria-sort')).toBe('ascending');
    await instance.click();
    expect(await shownRows(page, table)).toEqual([...up].reverse());

    const drift = 'table.drift';
    await page.locator(`${drift} th button`, { hasText: 'Status' }).click();
    const statuses = await page.locator(`${drift} > tbody .badge`).allInnerTexts();
    expect(statuses).toEqual([...statuses].sort());
    expect(await page.locator(`${drift} > tbody`).count()).toBe(5);
  });

  it('filters a table to the rows whose text has the query, drift items whole', async () => {
    const page = pages.get(800)!;
    const drift = 'table.drift';
    const box = page.getByRole('searchbox', { name: 'Filter the rows of drift items' });
    await box.fill('tms-web5');
    expect(await shownRows(page, drift)).toEqual(['tms-web5']);
    // The item's three field rows stay together under its one tbody.
    expect(await page.locator(`${drift} > tbody:not([hidden]) tr`).count()).toBe(3);
    await box.fill('PCI-DB');
    expect(await shownRows(page, drift)).toEqual(['eni-db1', 'eni-db2']);
    await box.fill('');
    expect(await shownRows(page, drift)).toHaveLength(5);
    const unmirrored = page.getByRole('searchbox', { name: 'Filter the rows of unmirrored ENIs' });
    await unmirrored.fill('attaching');
    expect(await shownRows(page, 'table[aria-label="unmirrored ENIs"]')).toEqual(['eni-db2']);
  });

  it('reads without JavaScript: every table as rendered, in the report order, without sort buttons or filter boxes', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(await page.locator('button.sort, p.filter').count()).toBe(0);
    expect(await page.locator('table').count()).toBe(await pages.get(1400)!.locator('table').count());
    expect(await shownRows(page, 'table[aria-label="unmirrored ENIs"]')).toEqual(['eni-db1', 'eni-db2']);
    expect(await page.locator('table.rules tbody tr').count()).toBe(2);
    await page.close();
  });

  it('draws the coverage chart at a real size, one bar per region and one for all', async () => {
    const svg = pages.get(1400)!.locator('svg.chart');
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(50);
    expect(await svg.locator('g').count()).toBe(3);
    // Each bar's label names its coverage and fits inside the chart.
    const labels: Array<{ text: string; right: number }> = await pages
      .get(1400)!
      .evaluate(`[...document.querySelectorAll('svg.chart text.pct')].map((t) => ({ text: t.textContent, right: t.getBBox().x + t.getBBox().width }))`);
    expect(labels.map((l) => l.text)).toEqual(['opted-in coverage 92.3%', expect.stringMatching(/^opted-in coverage /), expect.stringMatching(/^opted-in coverage /)]);
    for (const l of labels) expect(l.right).toBeLessThanOrEqual(1000);
  });

  it('shows hostile strings as text and creates no element from them', async () => {
    const page = pages.get(1400)!;
    expect(await page.getByText(SCRIPT).count()).toBeGreaterThanOrEqual(2);
    // The one script element is the page's own (checked by hash); the hostile ones are text.
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img, [onmouseover]').count()).toBe(0);
  });
});
