// Browser test: the newsroom's accessibility, in Debian's Chromium driven by
// playwright-core. axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules over every
// admin page (light, dark, and with a form error); reflow at 320px; every
// field of the editor named; the editor's tab order and visible focus; the
// editor's main actions with the keyboard alone; the skip link.
//
// axe is put in the page with page.evaluate: the admin's Content-Security-
// Policy (script-src 'self') rightly refuses page.addScriptTag's inline
// script, and a CDP evaluation is not subject to it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSite, openPage, signIn, clickAndWait, uploadImage, shot } = require('./harness');

let axeSource;
try {
  axeSource = require('axe-core').source;
} catch {
  axeSource = null;  // reported by the first test: run `npm ci` in tests/browser
}

let site;
let admin;          // the signed-in admin's context
const made = {};    // what before() created: article id, image, comment, user id

before(async () => {
  site = await startSite('chancery-browser-a11y-', {
    CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT: '0',
    CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE: '0',
  });
  admin = await openPage(site);
  const p = admin.page;
  await signIn(site, p);

  // An image in the library, an article saved twice (two revisions) and a
  // held comment, so no page is audited empty.
  made.image = await uploadImage(site, p, { file: 'tide-gauge.png', alt: 'A tide gauge on a concrete pier',
                                            credit: 'Test Desk', width: 640, height: 400 });
  await p.goto(site.baseUrl + '/admin/articles/new');
  await p.locator('#title').fill('Tide Tables and Treaty Lines');
  await p.locator('#body').fill('## Where the line falls\n\nLow water decides the baseline.\n');
  await clickAndWait(p, p.locator('#action-save'));
  made.articleId = Number(/\/admin\/articles\/(\d+)/.exec(p.url())[1]);
  await p.locator('#body').fill('## Where the line falls\n\nLow water, not high water, decides the baseline.\n');
  await clickAndWait(p, p.locator('#action-save'));

  const reader = await openPage(site);
  await reader.page.goto(site.baseUrl + '/articles/islamabads-long-hedge');
  await reader.page.locator('#comment').fill('Does the hedge survive a change of government in either capital?');
  await reader.page.locator('#author').fill('Wen Zhao');
  await reader.page.locator('#email').fill(`wen.${process.pid}@example.org`);
  await clickAndWait(reader.page, reader.page.locator('#submit'));
  await reader.context.close();

  await p.goto(site.baseUrl + '/admin/users');
  const href = await p.locator('#users-list a').filter({ hasText: site.admin.name }).getAttribute('href');
  made.userPath = href;
});

after(async () => {
  if (site) await site.stop();
});

// ---- axe ---------------------------------------------------------------------------

async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    resultTypes: ['violations'],
  }));
}

function describe(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.map((n) => `      ${n.target.join(' ')}${n.failureSummary ?
      '\n        ' + n.failureSummary.replace(/\n/g, '\n        ') : ''}`).join('\n');
    return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes}`;
  }).join('\n');
}


// Fails on any WCAG 2.x A/AA violation on the page as it stands, apart from
// the known ones above.
async function assertAxeClean(page, what) {
  const path = new URL(page.url()).pathname;
  const violations = (await axe(page)).violations;
  assert.equal(violations.length, 0,
               `axe found ${violations.length} WCAG 2.x A/AA violation(s) on ${what || path}:\n${describe(violations)}`);
}

// Loads `path` in `who`'s page and audits it.
async function audit(who, path, expectStatus = 200) {
  const response = await who.page.goto(site.baseUrl + path);
  assert.equal(response.status(), expectStatus, `${path} answers ${expectStatus}`);
  await assertAxeClean(who.page);
  assert.deepEqual(who.problems, [], `no console errors on ${path}`);
}

test('axe-core is installed (npm ci in tests/browser)', () => {
  assert.ok(axeSource, 'require("axe-core") failed: run `npm ci` in tests/browser');
});

test('the sign-in page passes axe (WCAG 2 A and AA)', async () => {
  const guest = await openPage(site);
  try {
    await audit(guest, '/admin/login');
    // And with a failed sign-in showing its error.
    await guest.page.locator('#email').fill('nobody@example.org');
    await guest.page.locator('#password').fill('not the password');
    await clickAndWait(guest.page, guest.page.locator('form[action="/admin/login"] button'));
    assert.equal(await guest.page.locator('#login-error').isVisible(), true);
    await assertAxeClean(guest.page, 'the sign-in page after a failed sign-in');
  } finally {
    await guest.context.close();
  }
});

const pages = [
  ['the dashboard', () => '/admin/'],
  ['the articles list', () => '/admin/articles'],
  ['the new-article editor', () => '/admin/articles/new'],
  ['the editor of an existing article', () => `/admin/articles/${made.articleId}`],
  ['the revisions list', () => `/admin/articles/${made.articleId}/revisions`],
  ['the media library', () => '/admin/media'],
  ['a media item', () => made.image.path],
  ['the comments queue', () => '/admin/comments'],
  ['the moderation log', () => '/admin/comments/log'],
  ['the users list', () => '/admin/users'],
  ['a user\'s page', () => made.userPath],
  ['the settings', () => '/admin/settings'],
  ['the password page', () => '/admin/password'],
];

for (const [name, path] of pages) {
  test(`${name} passes axe (WCAG 2 A and AA)`, async () => {
    await audit(admin, path());
  });
}

test('a revision diff passes axe', async () => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/articles/${made.articleId}/revisions`);
  const changes = p.locator('#revision-list a').filter({ hasText: 'Changes' }).first();
  const href = await changes.getAttribute('href');
  await audit(admin, href);
});

test('a comment\'s edit page passes axe', async () => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/comments`);
  const id = (await p.locator('.queue-item').first().getAttribute('id')).replace('comment-', '');
  await audit(admin, `/admin/comments/${id}/edit`);
});

test('the preview-link page passes axe', async () => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/articles/${made.articleId}`);
  await clickAndWait(p, p.locator('#action-preview-link'));
  assert.ok((await p.locator('#preview-url').inputValue()).includes('/preview/'));
  await assertAxeClean(p, 'the preview-link page');
  assert.deepEqual(admin.problems, []);
});

test('the authors pages pass axe (when this build has them)', async (t) => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/`);
  if (await p.locator('.admin-nav a[href="/admin/authors"]').count() === 0) {
    t.skip('no /admin/authors in this build');
    return;
  }
  await audit(admin, '/admin/authors');
  const profile = await p.locator('main a[href^="/admin/authors/"]').first().getAttribute('href');
  await audit(admin, profile);
});

test('the editor with a validation error passes axe, and the error is tied to its field', async () => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/articles/new`);
  await p.locator('#body').fill('A body without a title.');
  // The title is `required`; skip the browser's own check to see the server's.
  await p.locator('#editor-form').evaluate((form) => { form.noValidate = true; });
  const response = await clickAndWait(p, p.locator('#action-save'));
  assert.equal(response.status(), 422);
  assert.equal(await p.locator('#title').getAttribute('aria-invalid'), 'true');
  assert.equal(await p.locator('#title').getAttribute('aria-describedby'), 'title-error');
  assert.ok((await p.locator('#title-error').textContent()).trim().length > 0);
  await assertAxeClean(p, 'the editor showing a missing title');
  // Chromium logs the 422 of the page itself; nothing else.
  assert.deepEqual(admin.problems.filter((m) => !/status of 422/.test(m)), []);
  admin.problems.length = 0;
});

test('the dashboard, editor and queue pass axe in dark mode too', async () => {
  await admin.page.emulateMedia({ colorScheme: 'dark' });
  try {
    for (const path of ['/admin/', `/admin/articles/${made.articleId}`, '/admin/comments', '/admin/media']) {
      await audit(admin, path);
      assert.equal(await admin.page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    }
  } finally {
    await admin.page.emulateMedia({ colorScheme: 'light' });
  }
});

test('every admin page reflows at 320px wide; only data tables may scroll sideways (WCAG 1.4.10)', async () => {
  const p = admin.page;
  await p.setViewportSize({ width: 320, height: 700 });
  try {
    const failures = [];
    for (const [name, path] of pages) {
      await p.goto(site.baseUrl + path());
      const wide = await p.evaluate(() => {
        const limit = document.documentElement.clientWidth + 1;
        const contained = (el) => {
          for (let a = el; a && a !== document.body; a = a.parentElement) {
            if (a.tagName === 'TABLE') return true;  // a data table keeps its two dimensions
            const style = getComputedStyle(a);
            if (a !== el && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) &&
                a.getBoundingClientRect().right <= limit) return true;
          }
          return false;
        };
        return Array.from(document.querySelectorAll('body *'))
          .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > limit && !contained(el); })
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ?
            '.' + el.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
      });
      if (wide.length) failures.push(`${name} (${path()}): ${wide.join(', ')}`);
    }
    assert.deepEqual(failures, [], 'elements wider than a 320px screen');
    assert.deepEqual(admin.problems, []);
  } finally {
    await p.setViewportSize({ width: 1280, height: 900 });
  }
});

// ---- the editor, by hand -------------------------------------------------------------

// Chromium's own accessible name for every field, from its accessibility tree.
async function accessibleNames(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
    const out = [];
    for (const nodeId of nodeIds) {
      const { node } = await cdp.send('DOM.describeNode', { nodeId });
      const attrs = {};
      for (let i = 0; i < (node.attributes || []).length; i += 2) attrs[node.attributes[i]] = node.attributes[i + 1];
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
      const name = nodes[0] && nodes[0].name ? String(nodes[0].name.value || '').trim() : '';
      out.push({ id: attrs.id || `${node.localName}[name=${attrs.name}]`, name });
    }
    return out;
  } finally {
    await cdp.detach();
  }
}

for (const [which, path] of [['new', () => '/admin/articles/new'], ['existing', () => `/admin/articles/${made.articleId}`]]) {
  test(`every field of the ${which}-article editor has an accessible name`, async () => {
    await admin.page.goto(site.baseUrl + path());
    const fields = await accessibleNames(admin.page, 'input:not([type="hidden"]), select, textarea');
    assert.ok(fields.length >= 12, `the editor has its fields (${fields.length})`);
    const unnamed = fields.filter((f) => f.name === '');
    assert.deepEqual(unnamed, [], 'fields without an accessible name');
    const byId = Object.fromEntries(fields.map((f) => [f.id, f.name]));
    assert.match(byId.title, /^Title/);
    assert.match(byId.body, /^Body/);
    assert.match(byId.image_alt, /^Alt text/);
  });
}

// What has focus: its id (or tag and text), and whether a focus ring shows.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { key: null, ring: false };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    const key = el.id || `${el.tagName.toLowerCase()}:${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 40)}`;
    return { key, ring: outline || shadow, visible: el.getClientRects().length > 0 };
  });
}

// Every element the Tab key should reach, in document order.
function tabbables(page) {
  return page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]';
    return Array.from(document.querySelectorAll(selector))
      .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 &&
                      getComputedStyle(el).visibility !== 'hidden')
      .map((el) => el.id || `${el.tagName.toLowerCase()}:${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 40)}`);
  });
}

// Presses Tab from the top of the page until focus leaves the document or
// comes round again; returns each stop once, with its focus ring.
async function tabThrough(page) {
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  const stops = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.key === null || (stops.length && f.key === stops[0].key)) break;
    // A date-time field takes several Tabs (day, month, year, hour, minute).
    if (stops.length && stops[stops.length - 1].key === f.key) continue;
    stops.push(f);
  }
  return stops;
}

test('Tab walks the editor in document order, title to action buttons, with a visible focus ring', async () => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/articles/${made.articleId}`);
  const expected = await tabbables(p);
  const stops = await tabThrough(p);
  if (process.env.A11Y_DEBUG) console.log(JSON.stringify(stops));
  assert.deepEqual(stops.map((s) => s.key), expected, 'the Tab order is the document order');
  const noRing = stops.filter((s) => !s.ring).map((s) => s.key);
  assert.deepEqual(noRing, [], 'every stop shows a focus indicator (outline or box-shadow)');

  // The form itself, field by field, then its buttons.
  const formOrder = ['title', 'slug', 'dek', 'body', 'tags', 'authors', 'image_media', 'image_url', 'image_credit',
                     'image_alt', 'image_caption', 'is_correction', 'correction_note', 'schedule_at',
                     'action-save', 'action-publish', 'action-schedule'];
  const inForm = stops.map((s) => s.key).filter((k) => formOrder.includes(k));
  // The media picker is there once the library has images (and once the lead's picker is in).
  assert.deepEqual(inForm, formOrder.filter((k) => k !== 'image_media' || expected.includes('image_media')));
  assert.equal(stops[0].key.startsWith('a:Skip to content'), true, `the first stop is the skip link, not ${stops[0].key}`);
  assert.deepEqual(admin.problems, []);
});

test('the skip link is first, shows when focused, and moves focus to the main content', async () => {
  const p = admin.page;
  await p.goto(`${site.baseUrl}/admin/articles/new`);
  await p.keyboard.press('Tab');
  const link = p.locator('a.skip-link');
  assert.equal(await link.evaluate((el) => el === document.activeElement), true, 'the first Tab reaches the skip link');
  assert.equal(await link.getAttribute('href'), '#main');
  const box = await link.boundingBox();
  assert.ok(box && box.width > 1 && box.height > 1 && box.y >= 0 && box.y < 200,
            `the focused skip link is visible on screen: ${JSON.stringify(box)}`);
  await p.keyboard.press('Enter');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'main');
  // The next Tab lands in the content, not back in the navigation.
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.id), 'title');
});

test('keyboard only: write a title and body, save a draft, then publish', async () => {
  const p = admin.page;
  const title = 'Keyboard Desk: Monsoon Credit Lines';
  await p.goto(`${site.baseUrl}/admin/articles/new`);

  // Everything below is keys: skip link, into the form, type, Tab, Enter, Space.
  async function tabTo(id) {
    for (let i = 0; i < 60; i++) {
      if (await p.evaluate(() => document.activeElement && document.activeElement.id) === id) return;
      await p.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached #${id}`);
  }
  await p.keyboard.press('Tab');     // the skip link
  await p.keyboard.press('Enter');   // to the main content
  await tabTo('title');
  await p.keyboard.type(title);
  await tabTo('body');
  await p.keyboard.type('## Who lends\n\nRegional banks extended the monsoon credit lines again.');
  await tabTo('action-save');
  await Promise.all([p.waitForNavigation(), p.keyboard.press('Enter')]);
  assert.match(p.url(), /\/admin\/articles\/\d+\?saved=1$/);
  assert.match((await p.locator('#editor-notice').textContent()).trim(), /^Saved/);
  assert.match((await p.locator('#article-status').textContent()).trim(), /^draft$/i);
  assert.equal(await p.locator('#title').inputValue(), title);
  assert.match(await p.locator('#body').inputValue(), /monsoon credit lines/);

  // After a save the page starts again at the top.
  await p.keyboard.press('Tab');
  await p.keyboard.press('Enter');
  await tabTo('action-publish');
  await Promise.all([p.waitForNavigation(), p.keyboard.press('Space')]);
  assert.match(p.url(), /\/admin\/articles\/\d+\?saved=1$/);
  assert.match((await p.locator('#article-status').textContent()).trim(), /^published$/i);
  assert.match(await p.locator('.page-head .meta').textContent(), /published/);
  const slug = await p.locator('#slug').inputValue();
  await shot(p, 'a11y-keyboard-published');

  const reader = await openPage(site);
  try {
    const response = await reader.page.goto(`${site.baseUrl}/articles/${slug}`);
    assert.equal(response.status(), 200, 'the article is public');
    assert.equal((await reader.page.locator('h1').textContent()).trim(), title);
  } finally {
    await reader.context.close();
  }
  assert.deepEqual(admin.problems, []);
});

