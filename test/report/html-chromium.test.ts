import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/report/html.js';
import { SCRIPT, sampleReport } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const HEADINGS = ['Coverage', 'Drift', 'Unmirrored ENIs', 'Opted out', 'Not in scope', 'Failed events', 'Errors'];
/** Where the page and its screenshot are left for a person to look at. */
const OUT = join(tmpdir(), 'automirror-report');

// Off CI a machine without Debian's chromium skips, saying so; CI installs it (.ci/run), so there it must run.
const missing = !existsSync(CHROMIUM);
if (missing && !process.env.CI) console.warn(`skipping the headless Chromium report test: ${CHROMIUM} is missing (apt-get install chromium)`);

/** A PNG's size, from its IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe.skipIf(missing && !process.env.CI)('the HTML drift report in headless Chromium', () => {
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  let png: Buffer;
  const file = join(OUT, 'drift-report.html');

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(file, renderHtml(sampleReport({ hostile: true })));
    profile = mkdtempSync(join(tmpdir(), 'automirror-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 800 },
    });
    context.on('request', (r) => requests.push(r.url()));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    png = await page.screenshot({ path: join(OUT, 'drift-report.png'), fullPage: true, type: 'png' });
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('loads nothing but itself, runs nothing, and breaks no content security rule', () => {
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(dialogs).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('shows each expected heading once, within the full-page screenshot', async () => {
    const { width, height } = pngSize(png);
    expect(width).toBe(1280);
    for (const name of HEADINGS) {
      const heading = page.getByRole('heading', { level: 2, name, exact: true });
      expect(await heading.count(), name).toBe(1);
      expect(await heading.isVisible(), name).toBe(true);
      const box = await heading.boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.width * box!.height, name).toBeGreaterThan(0);
      expect(box!.x, name).toBeGreaterThanOrEqual(0);
      expect(box!.y, name).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(width);
      expect(box!.y + box!.height, name).toBeLessThanOrEqual(height);
    }
  });

  it('draws the coverage chart at a real size, one bar per region and one for all', async () => {
    const svg = page.locator('svg.chart');
    const box = await svg.boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(box!.height).toBeGreaterThan(50);
    expect(await svg.locator('g').count()).toBe(3);
  });

  it('fits 1280 px without sideways scrolling', async () => {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
  });

  it('shows hostile strings as text and creates no element from them', async () => {
    expect(await page.getByText(SCRIPT).count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('script, img, [onmouseover]').count()).toBe(0);
  });
});
