// Browser test: what a reader clicks, in Debian's Chromium driven by
// playwright-core. Starts its own `chancery init --demo` + `chancery serve`
// on a free loopback port and stops it by process id at the end.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const binary = process.env.CHANCERY_BIN;
const outDir = process.env.CHANCERY_SCREENSHOTS || path.join(os.tmpdir(), 'chancery-screenshots');
let dataDir;
let server;
let baseUrl;
let browser;

function startServer(data) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--data', data, '--listen', '127.0.0.1:0'],
                        { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), 20000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
}

before(async () => {
  assert.ok(binary, 'CHANCERY_BIN must name the chancery binary');
  fs.mkdirSync(outDir, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chancery-browser-'));
  execFileSync(binary, ['init', '--data', path.join(dataDir, 'site'), '--demo']);
  const started = await startServer(path.join(dataDir, 'site'));
  server = started.child;
  baseUrl = started.url;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    process.kill(server.pid, 'SIGTERM');
    await exited;
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

for (const width of [375, 1280]) {
  test(`a reader at ${width}px opens an article and jumps to a section`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
    page.on('pageerror', (err) => errors.push(String(err)));

    await page.goto(baseUrl + '/');
    await page.screenshot({ path: path.join(outDir, `home-${width}.png`), fullPage: true });
    // Nothing scrolls sideways on a narrow phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `home page overflows horizontally by ${overflow}px`);

    // The lead story's title is a link to the article.
    const link = page.locator('.lead-title a');
    const title = (await link.textContent()).trim();
    await link.click();
    await page.waitForURL(/\/articles\//);
    assert.equal((await page.locator('h1').textContent()).trim(), title);

    // Use the table of contents to jump to the third section.
    const entries = page.locator('.toc a');
    assert.ok(await entries.count() >= 3, 'the article should have a table of contents');
    const entry = entries.nth(2);
    const target = (await entry.getAttribute('href')).slice(1);
    await entry.click();
    await page.waitForFunction((id) => location.hash === '#' + id, target);
    await page.waitForFunction((id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.top >= -2 && r.top < window.innerHeight / 2;
    }, target, { timeout: 5000 });

    await page.screenshot({ path: path.join(outDir, `article-section-${width}.png`) });

    // The featured image carries alt text and its credit line.
    assert.ok((await page.locator('.featured-image img').getAttribute('alt')).length > 10);
    assert.match(await page.locator('.featured-image .credit').textContent(), /^Image credit: /);

    // Keyboard users get the skip link first.
    await page.goto(page.url().split('#')[0]);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');

    await page.screenshot({ path: path.join(outDir, `article-${width}.png`), fullPage: true });
    assert.deepEqual(errors, [], 'no console errors (a CSP violation would show here)');
    await context.close();
  });
}

test('dark mode follows the system preference', async () => {
  const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(baseUrl + '/');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(20, 20, 19)');
  await page.screenshot({ path: path.join(outDir, 'home-dark-1280.png') });
  await context.close();
});

test('nothing scrolls sideways at 320px, the narrowest phone we support', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 700 } });
  const page = await context.newPage();
  for (const href of ['/', '/articles/corridors-of-circumvention', '/tags/russia', '/authors/julian-ashcombe']) {
    await page.goto(baseUrl + href);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${href} overflows horizontally by ${overflow}px at 320px`);
  }
  await context.close();
});

test('print hides navigation and keeps the article', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(baseUrl + '/articles/islamabads-long-hedge');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-nav').isVisible(), false);
  assert.equal(await page.locator('.toc').isVisible(), false);
  assert.equal(await page.locator('.prose').isVisible(), true);
  await context.close();
});
