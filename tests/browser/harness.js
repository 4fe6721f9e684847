// What the newsroom's browser tests share: a fresh demo site served on a
// free loopback port (stopped by process id), an admin account made with
// `chancery user add`, Chromium, pages that record every console error,
// uncaught exception and failed request, sign-in through the form, and a
// small real PNG made here so no image file has to live in the repository.
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { chromium } = require('playwright-core');

const binary = process.env.CHANCERY_BIN;
const outDir = process.env.CHANCERY_SCREENSHOTS || path.join(os.tmpdir(), 'chancery-screenshots');

// Starts `chancery serve` on 127.0.0.1:0 and resolves once it prints its
// address. `env` adds to the environment (comment limits, for instance).
function startServer(data, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--data', data, '--listen', '127.0.0.1:0'],
                        { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), 20000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}`, log: () => log });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${log}`)); });
  });
}

// A demo site in a fresh temporary folder, with one admin, served and a
// Chromium launched. Call stop() in after().
async function startSite(prefix, env = {}) {
  assert.ok(binary, 'CHANCERY_BIN must name the chancery binary');
  fs.mkdirSync(outDir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const siteDir = path.join(dataDir, 'site');
  const admin = { email: `editor.${process.pid}@example.org`, name: 'Noor Haddad', password: 'tidemark newsroom 2026' };
  try {
    execFileSync(binary, ['init', '--data', siteDir, '--demo'], { stdio: 'pipe' });
    // The password goes in on standard input, never on the command line.
    execFileSync(binary, ['user', 'add', '--data', siteDir, '--email', admin.email, '--name', admin.name, '--role', 'admin'],
                 { input: admin.password + '\n', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const site = { dataDir, siteDir, admin, server: null, baseUrl: null, browser: null };
  site.stop = async () => {
    if (site.browser) await site.browser.close();
    const server = site.server;
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      process.kill(server.pid, 'SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const started = await startServer(siteDir, env);
    site.server = started.child;
    site.baseUrl = started.url;
    site.serverLog = started.log;
    site.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  } catch (err) {
    await site.stop();
    throw err;
  }
  return site;
}

// A browser context and page that collect what went wrong while it was
// used: console errors (a CSP violation is one), uncaught exceptions,
// requests that failed, dialogs. `allow` is a list of regular expressions
// for console messages a test expects (a 422 form answer, say).
async function openPage(site, options = {}) {
  const { allow = [], ...contextOptions } = options;
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  const where = () => { try { return new URL(page.url()).pathname; } catch { return page.url(); } };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (allow.some((re) => re.test(msg.text()))) return;
    problems.push(`console error on ${where()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception on ${where()}: ${err}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure() ? request.failure().errorText : 'failed';
    // A navigation away cancels the page's own pending fetches (autosave, preview).
    if (reason === 'net::ERR_ABORTED' && request.resourceType() === 'fetch') return;
    problems.push(`request failed on ${where()}: ${request.method()} ${request.url()} (${reason})`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}) on ${where()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  return { context, page, problems };
}

// Signs in through the form at /admin/login and waits for the dashboard.
async function signIn(site, page, who = site.admin) {
  await page.goto(site.baseUrl + '/admin/login');
  await page.locator('#email').fill(who.email);
  await page.locator('#password').fill(who.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/admin/'),
    page.locator('form[action="/admin/login"] button[type="submit"]').click(),
  ]);
}

// Clicks `locator` and waits for the page it leads to; returns the final response.
async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation(), locator.click()]);
  return response;
}

// Uploads a generated PNG through the form at /admin/media (the page's
// script sends it with fetch and opens the new item) and returns
// { name, url, path }: the library name, its /media/ address and the item page.
async function uploadImage(site, page, { file, alt, credit, width = 1200, height = 800 }) {
  await page.goto(site.baseUrl + '/admin/media');
  await page.locator('#media-file').setInputFiles({ name: file, mimeType: 'image/png', buffer: makePng(width, height) });
  if (alt !== undefined) await page.locator('#media-alt').fill(alt);
  if (credit !== undefined) await page.locator('#media-credit').fill(credit);
  await Promise.all([
    page.waitForURL(/\/admin\/media\/[^/?]+\?uploaded=1$/),
    page.locator('#media-upload-button').click(),
  ]);
  const itemPath = new URL(page.url()).pathname;
  return { name: itemPath.split('/').pop(), url: (await page.locator('#media-url').textContent()).trim(), path: itemPath };
}

// A full-page screenshot at ${CHANCERY_SCREENSHOTS}/<name>.png; returns the path.
async function shot(page, name) {
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- a real PNG, made by hand ----------------------------------------------------

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// An RGB PNG of width × height: a diagonal gradient with a band across it,
// so the variants have something to resample.
function makePng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;   // bits per sample
  header[9] = 2;   // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    rows[row] = 0;  // no filter
    for (let x = 0; x < width; x++) {
      const band = Math.abs(y - height / 2) < height / 10;
      rows[row + 1 + x * 3] = band ? 240 : Math.round((255 * x) / width);
      rows[row + 2 + x * 3] = band ? 200 : Math.round((255 * y) / height);
      rows[row + 3 + x * 3] = band ? 60 : 140;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

module.exports = { binary, outDir, startSite, openPage, signIn, clickAndWait, uploadImage, shot, makePng };
