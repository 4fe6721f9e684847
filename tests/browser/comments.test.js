// Browser test: the reader's comment form, in Debian's Chromium driven by
// playwright-core. Starts its own `chancery init --demo` + `chancery serve`
// on a free loopback port (fresh forms accepted at once, no rate limit),
// moderates with the `chancery comments` command line, and stops the server
// by process id at the end.
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
let siteDir;
let server;
let baseUrl;
let browser;

function startServer(data) {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT: '0',
      CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE: '0',
    };
    const child = spawn(binary, ['serve', '--data', data, '--listen', '127.0.0.1:0'],
                        { env, stdio: ['ignore', 'ignore', 'pipe'] });
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
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chancery-browser-comments-'));
  siteDir = path.join(dataDir, 'site');
  execFileSync(binary, ['init', '--data', siteDir, '--demo']);
  const started = await startServer(siteDir);
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

// ---- helpers ----------------------------------------------------------------

// Every test gets its own email addresses: the first comment from an address
// is held, and the duplicate check is per address.
let serial = 0;
function uniqueEmail(who) {
  serial += 1;
  return `${who}.${process.pid}.${serial}@example.org`;
}

function moderate(action, ids) {
  execFileSync(binary, ['comments', action, '--data', siteDir, ...ids.map(String)], { stdio: 'pipe' });
}

function listComments() {
  const out = execFileSync(binary, ['comments', 'list', '--data', siteDir, '--format', 'json'], { stdio: 'pipe' });
  return JSON.parse(out.toString());
}

async function newReader(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    // A rejected form is a 422 page, which Chromium reports on the console.
    if (msg.type() === 'error' && !/status of 422 \(/.test(msg.text())) problems.push('console: ' + msg.text());
  });
  page.on('pageerror', (err) => problems.push('pageerror: ' + String(err)));
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  return { context, page, problems };
}

// Types into the form the way a reader does; fields not given are left as they are.
async function fill(page, fields) {
  if ('comment' in fields) await page.locator('#comment').fill(fields.comment);
  if ('author' in fields) await page.locator('#author').fill(fields.author);
  if ('email' in fields) await page.locator('#email').fill(fields.email);
  if ('url' in fields) await page.locator('#url').fill(fields.url);
  if ('consent' in fields) await page.locator('#wp-comment-cookies-consent').setChecked(fields.consent);
}

// Clicks "Post Comment" and returns the response the page finally shows
// (after a 303 that is the article; after a 422 it is the 422 itself).
async function submit(page) {
  const navigated = page.waitForNavigation();
  await page.locator('#submit').click();
  return navigated;
}

// The status of the POST itself: 303 when it was redirected, else the final one.
async function postStatus(response) {
  const post = response.request().redirectedFrom();
  if (!post) return { status: response.status(), location: null };
  const redirect = await post.response();
  return { status: redirect.status(), location: redirect.headers().location };
}

// Posts a comment that is expected to be taken and returns its id.
async function post(page, slug, fields) {
  await page.goto(`${baseUrl}/articles/${slug}`);
  await fill(page, fields);
  const response = await submit(page);
  const { status, location } = await postStatus(response);
  assert.equal(status, 303, `posting to ${slug} should answer 303, got ${status}`);
  const m = /#comment-(\d+)$/.exec(page.url());
  assert.ok(m, `after posting the reader lands on #comment-ID, not ${page.url()}`);
  assert.equal(location, `/articles/${slug}#comment-${m[1]}`);
  return Number(m[1]);
}

function heading(count) {
  return count === 0 ? 'Comments' : count === 1 ? '1 comment' : `${count} comments`;
}

async function shownCount(page) {
  const text = (await page.locator('#comments-heading').textContent()).trim();
  if (text === 'Comments') return 0;
  const m = /^(\d+) comments?$/.exec(text);
  assert.ok(m, `unexpected comments heading "${text}"`);
  return Number(m[1]);
}

async function assertNoOverflow(page, what) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${what} overflows horizontally: scrollWidth ${scroll} > clientWidth ${client}`);
}

function shot(page, name, fullPage = false) {
  return page.screenshot({ path: path.join(outDir, `comments-${name}.png`), fullPage });
}

// ---- tests ------------------------------------------------------------------

test('a reader leaves the email out, keeps what they wrote, fixes it and sees their comment awaiting moderation',
     async () => {
  const slug = 'islamabads-long-hedge';
  const { context, page, problems } = await newReader();
  await page.goto(`${baseUrl}/articles/${slug}`);

  // The form as the issue describes it.
  assert.equal((await page.locator('#respond h2').textContent()).trim(), 'Add a Comment');
  const notes = await page.locator('#commentform .comment-notes').textContent();
  assert.match(notes, /Your email address will not be published\./);
  assert.match(notes, /Required fields are marked \*/);
  assert.equal(await page.locator('#commentform').getAttribute('method'), 'post');
  assert.equal(await page.locator('#commentform').getAttribute('action'), `/articles/${slug}/comments`);
  // The honeypot sits off-screen and out of the tab order.
  const trap = await page.locator('#website_confirm').boundingBox();
  assert.ok(!trap || trap.x + trap.width <= 0, `the honeypot is off-screen, not at x=${trap && trap.x}`);
  assert.equal(await page.locator('#website_confirm').getAttribute('tabindex'), '-1');

  const text = 'The hedge only works while both patrons tolerate it.\n\nWhat changes if one of them stops?';
  const name = 'Amara Okafor';
  await fill(page, { comment: text, author: name });
  let response = await submit(page);
  assert.equal(response.status(), 422);

  // The reason sits next to the email field; nothing typed is lost.
  const emailError = page.locator('.comment-form-email #email-error.field-error');
  assert.equal(await emailError.isVisible(), true, 'the error is shown next to the email field');
  assert.ok((await emailError.textContent()).trim().length > 0);
  assert.equal(await page.locator('#email').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('div.form-errors[role="alert"]').isVisible(), true);
  assert.equal(await page.locator('#comment-error').count(), 0, 'the comment itself was fine');
  assert.equal(await page.locator('#author-error').count(), 0, 'the name was fine');
  assert.equal(await page.locator('#comment').inputValue(), text);
  assert.equal(await page.locator('#author').inputValue(), name);
  await shot(page, 'missing-email-1280', true);

  const email = uniqueEmail('amara');
  await fill(page, { email });
  response = await submit(page);
  const { status } = await postStatus(response);
  assert.equal(status, 303);
  const m = /\/articles\/islamabads-long-hedge#comment-(\d+)$/.exec(page.url());
  assert.ok(m, `lands on the comment's permalink, not ${page.url()}`);
  const id = Number(m[1]);

  const mine = page.locator(`li#comment-${id}`);
  assert.equal(await mine.isVisible(), true);
  assert.match(await mine.getAttribute('class'), /\bcomment-pending\b/);
  assert.match(await mine.locator('.comment-awaiting').textContent(), /^Your comment is awaiting moderation\./);
  assert.equal((await mine.locator('.comment-author').textContent()).trim(), name);
  assert.deepEqual(await mine.locator('.comment-content p').allTextContents(),
                   ['The hedge only works while both patrons tolerate it.', 'What changes if one of them stops?']);
  assert.equal(await page.locator('#comment').inputValue(), '', 'the form is empty again after posting');
  await shot(page, 'awaiting-moderation-1280');

  // The poster is known by a signed, script-proof cookie; no details are
  // remembered without consent.
  const cookies = await context.cookies();
  const own = cookies.find((c) => c.name === 'chancery_own');
  assert.ok(own, 'the chancery_own cookie is set');
  assert.equal(own.httpOnly, true);
  assert.equal(own.sameSite, 'Lax');
  assert.equal(cookies.find((c) => c.name === 'chancery_commenter'), undefined);

  // The hold says why.
  const stored = listComments().find((c) => c.id === id);
  assert.equal(stored.status, 'pending');
  assert.equal(stored.reason, 'held: first comment from this email');

  assert.deepEqual(problems, []);
  await context.close();
});

test('a held comment is hidden from strangers until `chancery comments approve`', async () => {
  const slug = 'islamabads-long-hedge';
  const poster = await newReader();
  const stranger = await newReader();
  const email = uniqueEmail('bilal');
  const text = 'Strangers should only read this once a moderator has approved it.';

  await stranger.page.goto(`${baseUrl}/articles/${slug}`);
  const before = await shownCount(stranger.page);

  const id = await post(poster.page, slug, { comment: text, author: 'Bilal Haidari', email });
  assert.equal(await poster.page.locator(`li#comment-${id}.comment-pending`).isVisible(), true);

  await stranger.page.reload();
  assert.equal(await stranger.page.locator(`#comment-${id}`).count(), 0, 'a stranger does not see the held comment');
  assert.equal(await stranger.page.getByText(text).count(), 0);
  assert.equal(await shownCount(stranger.page), before);

  moderate('approve', [id]);

  await stranger.page.reload();
  const seen = stranger.page.locator(`li#comment-${id}`);
  assert.equal(await seen.isVisible(), true, 'after approval the stranger sees the comment');
  assert.doesNotMatch(await seen.getAttribute('class'), /comment-pending/);
  assert.equal(await seen.locator('.comment-awaiting').count(), 0);
  assert.equal(await seen.locator('.comment-edit-link').count(), 0, 'only the poster may edit');
  assert.equal((await seen.locator('.comment-content').textContent()).trim(), text);
  assert.equal((await stranger.page.locator('#comments-heading').textContent()).trim(), heading(before + 1));
  assert.ok(!(await stranger.page.content()).includes(email), 'the email never appears in the page');
  await shot(stranger.page, 'approved-stranger-1280');

  // The poster's own view drops the moderation note too.
  await poster.page.reload();
  assert.equal(await poster.page.locator(`li#comment-${id} .comment-awaiting`).count(), 0);

  assert.deepEqual(poster.problems, []);
  assert.deepEqual(stranger.problems, []);
  await poster.context.close();
  await stranger.context.close();
});

test('a reply nests under its comment, with and without JavaScript', async () => {
  const slug = 'rivers-without-referees';
  const author = await newReader();
  const parentText = 'Basin treaties fail when the upstream state never needed one.';
  const parentId = await post(author.page, slug, {
    comment: parentText, author: 'Chiara Lindqvist', email: uniqueEmail('chiara'),
  });
  moderate('approve', [parentId]);
  await author.context.close();

  // With JavaScript the Reply link moves the form under the comment.
  const stranger = await newReader();
  const page = stranger.page;
  await page.goto(`${baseUrl}/articles/${slug}`);
  const parentUrl = page.url();
  await page.locator(`#comment-${parentId} > .comment-body .comment-reply-link`).click();
  assert.equal(await page.locator(`li#comment-${parentId} #respond`).count(), 1, 'the form moved under the comment');
  assert.equal(page.url(), parentUrl, 'the script answered the click; no page load');
  assert.equal(await page.locator('#comment_parent').inputValue(), String(parentId));
  assert.equal(await page.locator('#respond .replying-to').isVisible(), true);
  assert.match(await page.locator('#respond .replying-to').textContent(), /Replying to Chiara Lindqvist/);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'comment',
               'the cursor is put in the comment box');
  await shot(page, 'reply-in-place-1280');

  await fill(page, { comment: 'Upstream states sign when downstream ones can hurt them elsewhere.',
                     author: 'Dmitri Volkov', email: uniqueEmail('dmitri') });
  const response = await submit(page);
  assert.equal((await postStatus(response)).status, 303);
  const replyId = Number(/#comment-(\d+)$/.exec(page.url())[1]);
  // The poster sees their held reply in place already.
  assert.equal(await page.locator(`li#comment-${parentId} > ol.children > li#comment-${replyId}.comment-pending`).count(), 1);
  moderate('approve', [replyId]);
  assert.deepEqual(stranger.problems, []);
  await stranger.context.close();

  // Without JavaScript the Reply link loads ?replyto=ID#respond.
  const plain = await newReader({ javaScriptEnabled: false });
  await plain.page.goto(`${baseUrl}/articles/${slug}`);
  await plain.page.locator(`#comment-${parentId} > .comment-body .comment-reply-link`).click();
  await plain.page.waitForURL(`${baseUrl}/articles/${slug}?replyto=${parentId}#respond`);
  assert.equal(await plain.page.locator('#comment_parent').inputValue(), String(parentId));
  assert.equal(await plain.page.locator('#respond .replying-to').isVisible(), true);
  assert.match(await plain.page.locator('#respond .replying-to').textContent(), /Replying to Chiara Lindqvist/);
  await shot(plain.page, 'reply-no-js-1280');
  await fill(plain.page, { comment: 'Written without any script running.', author: 'Esi Mensah',
                           email: uniqueEmail('esi') });
  const plainResponse = await submit(plain.page);
  assert.equal((await postStatus(plainResponse)).status, 303);
  const plainId = Number(/#comment-(\d+)$/.exec(plain.page.url())[1]);
  moderate('approve', [plainId]);
  await plain.context.close();

  // A new reader sees both replies inside the parent's list of children.
  const reader = await newReader();
  await reader.page.goto(`${baseUrl}/articles/${slug}`);
  for (const id of [replyId, plainId]) {
    const nested = reader.page.locator(`li#comment-${parentId} > ol.children > li#comment-${id}`);
    assert.equal(await nested.count(), 1, `reply ${id} is nested under ${parentId}`);
    assert.equal(await nested.isVisible(), true);
    assert.match(await nested.getAttribute('class'), /\bdepth-2\b/);
  }
  assert.equal(await reader.page.locator(`ol.comment-list > li#comment-${replyId}`).count(), 0,
               'the reply is not also at the top level');
  await reader.page.locator(`li#comment-${parentId}`).scrollIntoViewIfNeeded();
  await shot(reader.page, 'thread-1280');
  assert.deepEqual(reader.problems, []);
  await reader.context.close();
});

test('the consent box remembers name, email and website only when ticked', async () => {
  const slug = 'the-thin-ice-of-arctic-shipping';
  const other = 'corridors-of-circumvention';

  const kept = await newReader();
  const details = { author: 'Farah Qureshi', email: uniqueEmail('farah'), url: 'https://farah.example.net/notes' };
  await post(kept.page, slug, { comment: 'Ice-class tonnage is the number to watch.', ...details, consent: true });
  const commenter = (await kept.context.cookies()).find((c) => c.name === 'chancery_commenter');
  assert.ok(commenter, 'ticking the box sets the chancery_commenter cookie');
  assert.equal(commenter.httpOnly, true);

  await kept.page.goto(`${baseUrl}/articles/${other}`);
  assert.equal(await kept.page.locator('#author').inputValue(), details.author);
  assert.equal(await kept.page.locator('#email').inputValue(), details.email);
  assert.equal(await kept.page.locator('#url').inputValue(), details.url);
  assert.equal(await kept.page.locator('#wp-comment-cookies-consent').isChecked(), true);
  assert.equal(await kept.page.locator('#comment').inputValue(), '');
  await kept.page.locator('#respond').scrollIntoViewIfNeeded();
  await shot(kept.page, 'remembered-1280');

  // Unticking it on the next comment forgets them again.
  await fill(kept.page, { comment: 'On second thought, forget me.', consent: false });
  const response = await submit(kept.page);
  assert.equal((await postStatus(response)).status, 303);
  assert.equal((await kept.context.cookies()).find((c) => c.name === 'chancery_commenter'), undefined,
               'posting with the box unticked clears the remembered details');
  await kept.page.goto(`${baseUrl}/articles/${slug}`);
  assert.equal(await kept.page.locator('#author').inputValue(), '');
  assert.equal(await kept.page.locator('#wp-comment-cookies-consent').isChecked(), false);
  assert.deepEqual(kept.problems, []);
  await kept.context.close();

  const unticked = await newReader();
  await post(unticked.page, slug, {
    comment: 'Insurers will decide this before navies do.', author: 'Gustav Aalto',
    email: uniqueEmail('gustav'), url: 'https://gustav.example.net/', consent: false,
  });
  assert.equal((await unticked.context.cookies()).find((c) => c.name === 'chancery_commenter'), undefined);
  await unticked.page.goto(`${baseUrl}/articles/${other}`);
  for (const field of ['#author', '#email', '#url', '#comment']) {
    assert.equal(await unticked.page.locator(field).inputValue(), '', `${field} is empty on the next visit`);
  }
  assert.equal(await unticked.page.locator('#wp-comment-cookies-consent').isChecked(), false);
  assert.deepEqual(unticked.problems, []);
  await unticked.context.close();
});

test('hostile comments show as text and run nothing', async () => {
  const slug = 'corridors-of-circumvention';
  const hostile = [
    { author: '<script>alert(1)</script>', comment: '<script>alert(1)</script>' },
    { author: '<img src=x onerror=alert(1)>', comment: '<img src=x onerror=alert(1)>' },
    { author: '<svg onload=alert(1)>', comment: '<svg onload=alert(1)>' },
    { author: 'javascript:alert(1)', comment: 'javascript:alert(1)' },
    { author: '"><script>alert(1)</script>', comment: '"><script>alert(1)</script>' },
    // Validate refuses " < > in a website but lets ' & ( ) = through.
    { author: "'><img src=x onerror=alert(1)>", comment: "' onmouseover='alert(1)' x='",
      url: "http://example.com/a'onmouseover='alert(1)'&b=(1)" },
    { author: 'Link Tester', comment: 'See https://example.com/"onmouseover="alert(1)" and ' +
      "http://example.com/'><svg/onload=alert(1)> and https://example.com/?a=<b>&c=\"d\"" },
  ];
  const poster = await newReader();
  const ids = [];
  for (const [i, item] of hostile.entries()) {
    ids.push(await post(poster.page, slug, { ...item, email: uniqueEmail(`hostile${i}`) }));
  }

  // A javascript: website is refused at the field, with everything kept.
  await poster.page.goto(`${baseUrl}/articles/${slug}`);
  const jsUrl = { comment: 'My site is below.', author: 'Script Kiddie', email: uniqueEmail('kiddie'),
                  url: 'javascript:alert(1)' };
  await fill(poster.page, jsUrl);
  const refused = await submit(poster.page);
  assert.equal(refused.status(), 422);
  assert.equal(await poster.page.locator('.comment-form-url #url-error').isVisible(), true);
  for (const field of ['comment', 'author', 'email', 'url']) {
    assert.equal(await poster.page.locator('#' + field).inputValue(), jsUrl[field]);
  }
  assert.deepEqual(poster.problems, [], 'the poster saw no dialog and no errors');
  await poster.context.close();

  moderate('approve', ids);

  const { context, page, problems } = await newReader();
  await page.goto(`${baseUrl}/articles/${slug}`);
  for (const [i, item] of hostile.entries()) {
    const li = page.locator(`li#comment-${ids[i]}`);
    assert.equal(await li.isVisible(), true);
    assert.equal((await li.locator('.comment-author').textContent()).trim(), item.author, 'the name shows literally');
    assert.equal((await li.locator('.comment-content').innerText()).trim(), item.comment, 'the text shows literally');
  }
  for (const literal of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>',
                         'javascript:alert(1)', '"><script>alert(1)</script>']) {
    assert.equal(await page.getByText(literal, { exact: true }).first().isVisible(), true, `"${literal}" is visible`);
  }

  // The website with quotes stays one attribute on one link.
  const site = page.locator(`li#comment-${ids[5]} .comment-author a`);
  assert.equal(await site.getAttribute('href'), hostile[5].url);
  assert.equal(await site.getAttribute('rel'), 'nofollow ugc noopener');

  // Nothing in the thread is markup a commenter made: no scripts, images,
  // SVG or event handlers, and every link is http(s) with the ugc rel.
  const found = await page.evaluate(() => {
    const list = document.querySelector('#comments .comment-list');
    const bad = [];
    for (const el of list.querySelectorAll('*')) {
      if (['SCRIPT', 'IMG', 'SVG', 'IFRAME', 'OBJECT', 'EMBED', 'STYLE'].includes(el.tagName.toUpperCase())) {
        bad.push('element ' + el.tagName);
      }
      for (const attr of el.getAttributeNames()) {
        if (attr.startsWith('on')) bad.push(`${el.tagName} has ${attr}`);
      }
    }
    for (const a of list.querySelectorAll('.comment-content a, .comment-author a')) {
      if (!/^https?:\/\//.test(a.getAttribute('href'))) bad.push('link to ' + a.getAttribute('href'));
      if (a.getAttribute('rel') !== 'nofollow ugc noopener') bad.push('link without ugc rel: ' + a.outerHTML);
      const attrs = a.getAttributeNames().sort().join(',');
      if (attrs !== 'href,rel') bad.push('link with attributes ' + attrs);
    }
    return bad;
  });
  assert.deepEqual(found, []);

  // Point at every commenter's link, the way a reader would before clicking.
  const links = page.locator('.comment-list .comment-content a, .comment-list .comment-author a');
  for (let i = 0; i < await links.count(); i++) await links.nth(i).hover();
  await page.waitForTimeout(300);  // let any late onerror/onload handler fire
  await page.locator(`li#comment-${ids[0]}`).scrollIntoViewIfNeeded();
  await shot(page, 'hostile-1280', true);

  assert.deepEqual(problems, [], 'no dialog opened, no script ran, no CSP violation was reported');
  await context.close();
});

test('the form in its error state fits a 320px phone', async () => {
  const slug = 'the-thin-ice-of-arctic-shipping';
  const { context, page, problems } = await newReader({ viewport: { width: 320, height: 700 } });
  await page.goto(`${baseUrl}/articles/${slug}`);
  await fill(page, { url: 'not a website' });
  const response = await submit(page);
  assert.equal(response.status(), 422);
  for (const field of ['comment', 'author', 'email', 'url']) {
    assert.equal(await page.locator(`#${field}-error`).isVisible(), true, `${field} shows its error`);
  }
  await assertNoOverflow(page, 'the form with every error shown');
  await page.locator('#respond').scrollIntoViewIfNeeded();
  await shot(page, 'errors-320');
  await shot(page, 'errors-320-full', true);

  // A held comment with a long unbroken link, as its poster sees it.
  await fill(page, {
    comment: 'Source: https://example.com/' + 'a-very-long-path-segment-'.repeat(8) + 'end',
    author: 'Hana Takeda', email: uniqueEmail('hana'), url: '',
  });
  const posted = await submit(page);
  assert.equal((await postStatus(posted)).status, 303);
  await assertNoOverflow(page, 'a comment with a long link');
  await shot(page, 'long-link-320');
  assert.deepEqual(problems, []);
  await context.close();
});
