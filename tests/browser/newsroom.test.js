// Browser test: a newsroom day, in Debian's Chromium driven by playwright-core.
// One editor signs in through the form and, in one browser context, uploads
// an image, writes an article with it, previews it live, lets it autosave,
// shares an embargoed preview link, schedules it, publishes another, moderates
// and answers a reader's comment, publishes a correction, restores an older
// revision and signs out. A second, anonymous context is the reader. Every
// admin page must load without a console error (a CSP violation is one),
// uncaught exception or failed request.
//
// Each step is its own test so a failure names it; after one fails, the
// rest are skipped rather than failing for the same reason.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { startSite, openPage, signIn, clickAndWait, uploadImage, shot } = require('./harness');

let site;
let editor;   // { context, page, problems }: the editor's one context for the whole day
let reader;   // the anonymous reader's context
let broken = null;

before(async () => {
  site = await startSite('chancery-browser-newsroom-', {
    CHANCERY_COMMENTS_MIN_SECONDS_TO_SUBMIT: '0',
    CHANCERY_COMMENTS_RATE_LIMIT_PER_MINUTE: '0',
  });
  editor = await openPage(site);
});

after(async () => {
  if (site) await site.stop();
});

function step(name, fn) {
  test(name, async (t) => {
    if (broken) {
      t.skip(`an earlier step failed: ${broken}`);
      return;
    }
    try {
      await fn(t);
    } catch (err) {
      broken = name;
      throw err;
    }
  });
}

// What the day produces, filled in as it goes.
const day = {
  image: null,        // { name, url, alt, credit }: the uploaded PNG
  scheduled: null,    // { id, title, slug, editUrl }
  published: null,    // { id, title, slug, editUrl, revision }
  commentId: null,
  shots: [],
};

const scheduledTitle = 'Harbour Tolls and the Quiet Blockade';
const publishedTitle = 'Dredging Rights on the Lower Delta';
const originalParagraph = 'Three ministries now claim the dredging contracts, and none has published its survey.';
const correctedParagraph = 'Two ministries now claim the dredging contracts, and neither has published its survey.';

function page() { return editor.page; }
function url(p) { return site.baseUrl + p; }

function assertClean(what) {
  assert.deepEqual(editor.problems, [], `no console errors, exceptions or failed requests ${what}`);
}

// Forgets the console's report of a 404 page the test asked for on purpose.
function forgive404(who) {
  const kept = who.problems.filter((m) => !/status of 404/.test(m));
  who.problems.splice(0, who.problems.length, ...kept);
}

async function shoot(name) {
  day.shots.push(await shot(page(), `newsroom-${name}`));
}

// The editor's id from /admin/articles/<id>?saved=1.
function articleIdFrom(href) {
  const m = /\/admin\/articles\/(\d+)(?:\?|$)/.exec(new URL(href).pathname + new URL(href).search);
  assert.ok(m, `expected an editor address, got ${href}`);
  return Number(m[1]);
}

// Picks the uploaded image in the featured-image fieldset: the library picker
// when the editor has one, else the fields typed by hand from the media page.
async function chooseImage() {
  const p = page();
  const picker = p.locator('#image_media');
  if (await picker.count()) {
    await picker.selectOption(day.image.name);
    // The script fills the fields below from the library's record.
    assert.equal(await p.locator('#image_url').inputValue(), day.image.url);
    assert.equal(await p.locator('#image_alt').inputValue(), day.image.alt);
    assert.equal(await p.locator('#image_credit').inputValue(), day.image.credit);
  } else {
    await p.locator('#image_url').fill(day.image.url);
    await p.locator('#image_credit').fill(day.image.credit);
    await p.locator('#image_alt').fill(day.image.alt);
  }
  await p.locator('#image_caption').fill('Dredgers moored off the delta at first light.');
}

// Saves with the given action button and returns to the editor it redirects to.
async function saveWith(buttonId) {
  const p = page();
  await clickAndWait(p, p.locator(buttonId));
  assert.match(p.url(), /\/admin\/articles\/\d+\?saved=1$/, `saving with ${buttonId} leads back to the editor`);
  assert.match((await p.locator('#editor-notice').textContent()).trim(), /^Saved/);
  assert.equal(await p.locator('#editor-error').count(), 0);
}

// A datetime-local value three days from now (site time zone unknown, so
// far enough ahead to be in the future in any of them).
function inThreeDays() {
  const d = new Date(Date.now() + 3 * 86400 * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T09:30`;
}

// ---- the day -----------------------------------------------------------------------

step('sign in through the form at /admin/login', async () => {
  const p = page();
  await p.goto(url('/admin/'));
  assert.equal(new URL(p.url()).pathname, '/admin/login', 'the newsroom asks for a sign-in first');
  await signIn(site, p);
  assert.match(await p.locator('h1').textContent(), /Dashboard/);
  assert.match(await p.locator('.admin-account .who').textContent(), new RegExp(site.admin.name));
  const session = (await editor.context.cookies()).find((c) => c.name === 'chancery_session');
  assert.ok(session, 'signing in sets the session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.ok(session.value.length >= 40, 'the session token is long enough to hold 256 bits');
  assertClean('on the sign-in page and dashboard');
});

step('upload a PNG with alt text and credit in /admin/media', async () => {
  const p = page();
  day.image = { alt: 'Two dredgers and a pilot boat in a brown river mouth at dawn', credit: 'Tidemark Review / Test Desk' };
  const uploaded = await uploadImage(site, p, { file: 'delta-dredgers.png', alt: day.image.alt, credit: day.image.credit,
                                                width: 1200, height: 800 });
  assert.match(await p.locator('#media-item-notice').textContent(), /Uploaded/);

  // The item page states the pixel size and the file's type and weight.
  const facts = await p.locator('#media-facts').innerText();
  assert.match(facts, /1200\s*[×x]\s*800 pixels/, `the item page shows the size, got:\n${facts}`);
  assert.match(facts, /image\/png, [\d.,]+\s*(bytes|B|KB|kB|KiB|MB)/i);
  day.image.url = uploaded.url;
  day.image.name = uploaded.name;
  assert.match(day.image.url, /^\/media\/[^/]+\.png$/);
  assert.equal(await p.locator('#media-alt').inputValue(), day.image.alt);
  assert.equal(await p.locator('#media-credit').inputValue(), day.image.credit);
  const shown = p.locator('.media-preview img');
  assert.equal(await shown.getAttribute('alt'), day.image.alt);
  assert.ok(await shown.evaluate((img) => img.complete && img.naturalWidth > 0), 'the uploaded image loads');

  // The library lists it, with a thumbnail that loads.
  await p.goto(url('/admin/media'));
  const card = p.locator('.media-card').filter({ hasText: day.image.alt });
  assert.equal(await card.count(), 1, 'the library lists the new image');
  await card.locator('img').scrollIntoViewIfNeeded();
  await p.waitForFunction((el) => el.complete && el.naturalWidth > 0, await card.locator('img').elementHandle());
  await shoot('media');
  assertClean('on the media pages');
});

step('write a new article with a heading, tags and the image, and save the draft', async () => {
  const p = page();
  await p.goto(url('/admin/articles/new'));
  assert.equal((await p.locator('h1').textContent()).trim(), 'New article');
  await p.locator('#title').fill(scheduledTitle);
  await p.locator('#dek').fill('Nobody declared a blockade; the tolls did the work.');
  await p.locator('#body').fill('## Who collects the toll\n\nThe port authority quietly raised berthing fees in March.\n');
  await p.locator('#tags').fill('Maritime, Ports, Delta Watch');
  await chooseImage();
  await saveWith('#action-save');
  const id = articleIdFrom(p.url());
  day.scheduled = { id, title: scheduledTitle, editUrl: `/admin/articles/${id}` };
  day.scheduled.slug = await p.locator('#slug').inputValue();
  assert.equal(day.scheduled.slug, 'harbour-tolls-and-the-quiet-blockade', 'the slug is made from the title');
  assert.match((await p.locator('#article-status').textContent()).trim(), /^draft$/i);
  assert.equal(await p.locator('#title').inputValue(), scheduledTitle);
  assert.match(await p.locator('#tags').inputValue(), /Delta Watch/);
  assert.equal(await p.locator('#image_url').inputValue(), day.image.url);
  assert.equal(await p.locator('#image_alt').inputValue(), day.image.alt);
  assertClean('in the editor');
});

step('the live preview renders the heading as it is typed', async () => {
  const p = page();
  // The preview of what was saved arrives after load.
  await p.locator('#preview h2').filter({ hasText: 'Who collects the toll' }).waitFor({ timeout: 5000 });
  await p.locator('#body').fill('## The ledger nobody reads\n\nFees rose by a third in one quarter; *shipping lines noticed*.\n');
  const heading = p.locator('#preview h2').filter({ hasText: 'The ledger nobody reads' });
  await heading.waitFor({ timeout: 5000 });
  assert.equal(await p.locator('#preview em').filter({ hasText: 'shipping lines noticed' }).count(), 1);
  assert.equal(await p.locator('#preview h2').filter({ hasText: 'Who collects the toll' }).count(), 0,
               'the preview follows the text, not the saved body');
  await shoot('editor');
  assertClean('while previewing');
});

step('autosave keeps the text, and a reload offers it back', async () => {
  const p = page();
  const typed = 'Autosaved line: the harbour master declined to comment.';
  await p.locator('#body').fill((await p.locator('#body').inputValue()) + '\n' + typed + '\n');
  await p.waitForFunction(() => /autosaved/i.test(document.getElementById('autosave-status').textContent),
                          null, { timeout: 12000 });
  assert.match(await p.locator('#autosave-status').textContent(), /Draft autosaved at/);

  await p.reload();
  const offer = p.locator('#autosave-offer');
  const body = await p.locator('#body').inputValue();
  if (!body.includes(typed)) {
    assert.equal(await offer.isVisible(), true, 'after a reload the autosaved text is offered');
    await clickAndWait(p, p.locator('#restore-autosave'));
  }
  assert.ok((await p.locator('#body').inputValue()).includes(typed), 'the autosaved line is back in the body');
  assert.match(await p.locator('#body').inputValue(), /The ledger nobody reads/);
  // Keep it: save the draft with the autosaved text.
  await saveWith('#action-save');
  assert.ok((await p.locator('#body').inputValue()).includes(typed));

  // Leaving the page before the next tick still saves (sendBeacon on pagehide).
  const editUrl = p.url().split('?')[0];
  const last = 'Typed just before leaving the page.';
  await p.locator('#body').fill((await p.locator('#body').inputValue()) + last + '\n');
  await p.goto(url('/admin/'));
  let offered = false;
  for (let i = 0; i < 20 && !offered; i++) {
    await p.goto(editUrl);
    offered = (await p.locator('#autosave-offer').count()) > 0;
    if (!offered) await p.waitForTimeout(250);
  }
  assert.ok(offered, 'the text typed before leaving is offered back');
  await clickAndWait(p, p.locator('#restore-autosave'));
  assert.ok((await p.locator('#body').inputValue()).includes(last));
  await saveWith('#action-save');
  assertClean('around autosave');
});

step('an embargoed preview link shows the draft to someone without an account, not indexed', async () => {
  const p = page();
  await p.locator('#preview-days').selectOption('1');
  await clickAndWait(p, p.locator('#action-preview-link'));
  const link = await p.locator('#preview-url').inputValue();
  assert.match(link, /\/preview\/[^/]+$/);
  // The link is made with site.base_url; this server listens on another port.
  const previewPath = new URL(link).pathname;
  assertClean('making a preview link');

  const guest = await openPage(site);
  try {
    const response = await guest.page.goto(url(previewPath));
    assert.equal(response.status(), 200);
    assert.equal((await guest.page.locator('h1').first().textContent()).trim(), scheduledTitle);
    assert.equal(await guest.page.locator('.preview-banner').isVisible(), true, 'the page says it is a preview');
    assert.match(await guest.page.locator('.preview-banner').textContent(), /Preview/);
    const header = response.headers()['x-robots-tag'] || '';
    const meta = await guest.page.locator('meta[name="robots"]').getAttribute('content').catch(() => null);
    assert.ok(/noindex/.test(header) || /noindex/.test(meta || ''),
              `a preview is not indexed (X-Robots-Tag "${header}", meta robots "${meta}")`);
    assert.equal((await guest.context.cookies()).find((c) => c.name === 'chancery_session'), undefined);
    await shot(guest.page, 'newsroom-preview-link');
    // Without the link the draft is not public.
    const hidden = await guest.page.goto(url(`/articles/${day.scheduled.slug}`));
    assert.equal(hidden.status(), 404);
    forgive404(guest);
    assert.deepEqual(guest.problems, []);
  } finally {
    await guest.context.close();
  }
});

step('schedule it for a future time: the editor says scheduled, the home page does not show it', async () => {
  const p = page();
  await p.goto(url(day.scheduled.editUrl));
  await p.locator('#schedule_at').fill(inThreeDays());
  await saveWith('#action-schedule');
  assert.match((await p.locator('#article-status').textContent()).trim(), /^scheduled$/i);
  assert.match(await p.locator('.page-head .meta').textContent(), /scheduled for/);

  const home = await p.goto(url('/'));
  assert.equal(home.status(), 200);
  assert.equal(await p.getByText(scheduledTitle).count(), 0, 'a scheduled article is not on the home page yet');
  const article = await p.goto(url(`/articles/${day.scheduled.slug}`));
  assert.equal(article.status(), 404, 'nor at its address');
  forgive404(editor);
  assertClean('scheduling');
});

step('publish another article now: it leads the home page and shows the image with srcset, size and alt', async () => {
  const p = page();
  await p.goto(url('/admin/articles'));
  await clickAndWait(p, p.locator('#new-article'));
  await p.locator('#title').fill(publishedTitle);
  await p.locator('#dek').fill('Who may dig the channel decides who may use it.');
  await p.locator('#body').fill(`## The contracts\n\n${originalParagraph}\n\n## The river\n\nSilt does not wait for ministries.\n`);
  await p.locator('#tags').fill('Maritime, Delta Watch');
  await chooseImage();
  await saveWith('#action-publish');
  const id = articleIdFrom(p.url());
  day.published = { id, title: publishedTitle, editUrl: `/admin/articles/${id}`,
                    slug: await p.locator('#slug').inputValue() };
  assert.match((await p.locator('#article-status').textContent()).trim(), /^published$/i);
  assert.equal(await p.locator('#action-publish').textContent(), 'Update');
  assertClean('publishing');

  await p.goto(url('/'));
  const link = p.locator(`a[href="/articles/${day.published.slug}"]`).first();
  assert.equal(await link.isVisible(), true, 'the new article is on the home page');
  assert.equal((await p.locator('.lead-title a').textContent()).trim(), publishedTitle, 'the newest leads');
  await shot(p, 'newsroom-home');

  await clickAndWait(p, link);
  assert.equal((await p.locator('h1').textContent()).trim(), publishedTitle);
  const img = p.locator('.featured-image img');
  assert.equal(await img.getAttribute('alt'), day.image.alt);
  await p.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  // The library's pixel size and responsive variants.
  assert.equal(await img.getAttribute('width'), '1200');
  assert.equal(await img.getAttribute('height'), '800');
  const srcset = await img.getAttribute('srcset');
  assert.ok(srcset, 'the featured image has a srcset');
  assert.match(srcset, /\/media\/480w\/\S+ 480w/);
  assert.match(srcset, /\/media\/960w\/\S+ 960w/);
  assert.ok(await img.getAttribute('sizes'), 'and sizes');
  const webp = await p.locator('.featured-image picture source[type="image/webp"]').getAttribute('srcset');
  assert.match(webp, /\/media\/480w\/\S+\.webp 480w/, 'and WebP variants');
  for (const candidate of `${srcset}, ${webp}`.split(',').map((c) => c.trim().split(/\s+/)[0])) {
    const response = await p.request.get(url(candidate));
    assert.equal(response.status(), 200, `${candidate} is served`);
    assert.match(response.headers()['content-type'], /^image\//);
  }
  assert.match(await p.locator('.featured-image .credit').textContent(), new RegExp(day.image.credit));
  assert.match(await p.locator('.prose').textContent(), new RegExp(originalParagraph));
  const tags = await p.locator('.tag-list').textContent();
  assert.match(tags, /Delta Watch/);
  assertClean('reading the published article');
});

step('a reader comments; the dashboard and the queue show it held with its reason; the editor approves and replies',
     async () => {
  reader = await openPage(site);
  const r = reader.page;
  await r.goto(url(`/articles/${day.published.slug}`));
  const text = 'Which ministry holds the 2019 survey? The article implies it exists.';
  await r.locator('#comment').fill(text);
  await r.locator('#author').fill('Ines Carvalho');
  await r.locator('#email').fill(`ines.${process.pid}@example.org`);
  await clickAndWait(r, r.locator('#submit'));
  const m = /#comment-(\d+)$/.exec(r.url());
  assert.ok(m, `the reader lands on their comment, not ${r.url()}`);
  day.commentId = Number(m[1]);
  assert.equal(await r.locator(`li#comment-${day.commentId}.comment-pending`).isVisible(), true,
               'a first-time commenter is held');

  const p = page();
  await p.goto(url('/admin/'));
  const pending = p.locator('#pending-title').locator('xpath=..').locator('li')
    .filter({ has: p.locator(`a[href="/admin/comments#comment-${day.commentId}"]`) });
  assert.equal(await pending.count(), 1, 'the dashboard lists the pending comment');
  assert.match(await pending.textContent(), /Ines Carvalho/);
  assert.equal((await pending.locator('.reason').textContent()).trim(), 'held: first comment from this email');
  assert.match(await p.locator('.admin-nav a[href="/admin/comments"] .badge').textContent(), /\d+/);
  await shoot('dashboard');

  await clickAndWait(p, p.locator('.admin-nav a[href="/admin/comments"]'));
  const item = p.locator(`#comment-${day.commentId}`);
  assert.equal(await item.isVisible(), true, 'the queue shows the comment');
  assert.match(await item.locator('.queue-text').textContent(), /2019 survey/);
  assert.equal((await item.locator('.reason').textContent()).trim(), 'held: first comment from this email');
  assert.equal((await item.locator('.commenter-email').textContent()).trim(), `ines.${process.pid}@example.org`);
  assert.match(await item.locator('.queue-head a').textContent(), new RegExp(publishedTitle));
  await shoot('queue');

  await clickAndWait(p, item.locator('button[value="approve"]'));
  assert.match(await p.locator('#queue-notice').textContent(), /1 comment approved/);
  assert.equal(await p.locator(`#comment-${day.commentId}`).count(), 0, 'it leaves the pending tab');

  await p.goto(url('/admin/comments?status=approved'));
  const approved = p.locator(`#comment-${day.commentId}`);
  assert.equal(await approved.isVisible(), true, 'it is on the approved tab');
  await approved.locator('summary').filter({ hasText: 'Reply as staff' }).click();
  const reply = 'The 2019 survey sits with the transport ministry; we have asked for it and will update this piece.';
  await approved.locator(`#reply-${day.commentId}`).fill(reply);
  await clickAndWait(p, approved.locator('button').filter({ hasText: 'Publish reply' }));
  assert.match(await p.locator('#queue-notice').textContent(), /Your reply was published/);
  assertClean('in the moderation queue');

  await r.reload();
  const li = r.locator(`li#comment-${day.commentId}`);
  assert.equal(await li.isVisible(), true);
  assert.doesNotMatch(await li.getAttribute('class'), /comment-pending/, 'the comment is approved');
  const answer = li.locator('ol.children > li').filter({ hasText: 'transport ministry' });
  assert.equal(await answer.count(), 1, 'the staff reply is nested under the comment');
  assert.match(await answer.locator('.comment-author').first().textContent(), new RegExp(site.admin.name));
  await li.scrollIntoViewIfNeeded();
  await shot(r, 'newsroom-comment-reply');
  assert.deepEqual(reader.problems, []);
});

step('a correction: the dated note shows at the foot of the article and on /corrections', async () => {
  const p = page();
  await p.goto(url(day.published.editUrl));
  day.published.revision = Number(await p.locator('input[name="revision"]').inputValue());
  const body = await p.locator('#body').inputValue();
  assert.ok(body.includes(originalParagraph));
  await p.locator('#body').fill(body.replace(originalParagraph, correctedParagraph));
  await p.locator('#is_correction').check();
  const note = 'An earlier version said three ministries claim the contracts; it is two.';
  await p.locator('#correction_note').fill(note);
  await saveWith('#action-publish');
  assert.match(await p.locator('.panel').filter({ hasText: 'Corrections published' }).textContent(), /it is two/);
  assertClean('saving a correction');

  await p.goto(url(`/articles/${day.published.slug}`));
  assert.match(await p.locator('.prose').textContent(), new RegExp(correctedParagraph));
  const foot = p.locator('.corrections-notes li').filter({ hasText: note });
  assert.equal(await foot.count(), 1, 'the note is at the foot of the article');
  const when = await foot.locator('time').getAttribute('datetime');
  assert.match(when, /^\d{4}-\d{2}-\d{2}/, 'the note is dated');
  assert.ok((await foot.locator('time').textContent()).trim().length > 0);
  // At the foot: after the body.
  assert.ok(await p.evaluate(() => {
    const prose = document.querySelector('.prose');
    const notes = document.querySelector('.corrections-notes');
    return Boolean(prose.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING);
  }), 'the corrections come after the body');

  await p.goto(url('/corrections'));
  const listed = p.locator('.corrections-list li').filter({ hasText: note });
  assert.equal(await listed.count(), 1, '/corrections lists it');
  const target = await listed.locator('a').getAttribute('href');
  assert.match(target, new RegExp(`^/articles/${day.published.slug}#correction-\\d+$`), 'it links to the note');
  assert.match(await listed.locator('time').getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}/);
  // The link lands on the note.
  await clickAndWait(p, listed.locator('a'));
  assert.equal(await p.locator(new URL(p.url()).hash).filter({ hasText: note }).count(), 1);
  await p.goto(url('/corrections'));
  await shot(p, 'newsroom-corrections');
  assertClean('reading the correction');
});

step('revisions: compare two and restore the older one', async () => {
  const p = page();
  await p.goto(url(day.published.editUrl));
  await clickAndWait(p, p.locator('#revisions-link'));
  const rows = await p.locator('#revision-list tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    id: Number(tr.id.replace('revision-', '')),
    revision: Number(tr.children[2].textContent.trim().split(/\s/)[0]),
    autosave: /autosave/.test(tr.children[2].textContent),
  })));
  const older = rows.find((r) => r.revision === day.published.revision && !r.autosave);
  const newer = rows.find((r) => r.revision === day.published.revision + 1 && !r.autosave);
  assert.ok(older && newer, `revisions ${day.published.revision} and ${day.published.revision + 1} are listed: ` +
            JSON.stringify(rows));
  await p.locator(`#from-${older.id}`).check();
  await p.locator(`#to-${newer.id}`).check();
  await clickAndWait(p, p.getByRole('button', { name: 'Compare the chosen revisions' }));
  assert.match(await p.locator('#diff-summary').textContent(), /1 line added, 1 line removed/);
  assert.equal(await p.locator('#diff del').filter({ hasText: originalParagraph }).count(), 1);
  assert.equal(await p.locator('#diff ins').filter({ hasText: correctedParagraph }).count(), 1);
  await shot(p, 'newsroom-diff');

  await p.goto(url(`${day.published.editUrl}/revisions`));
  await clickAndWait(p, p.locator(`#restore-${older.id}`));
  assert.match(p.url(), /\?saved=1$/);
  assert.ok((await p.locator('#body').inputValue()).includes(originalParagraph), 'the editor has the older text');
  await p.goto(url(`/articles/${day.published.slug}`));
  assert.match(await p.locator('.prose').textContent(), new RegExp(originalParagraph), 'and so does the article');
  assertClean('restoring a revision');
});

step('sign out: /admin asks for a sign-in again and the old session is dead', async () => {
  const p = page();
  await p.goto(url('/admin/'));
  const token = (await editor.context.cookies()).find((c) => c.name === 'chancery_session');
  assert.ok(token);
  await clickAndWait(p, p.locator('.admin-account button').filter({ hasText: 'Sign out' }));
  assert.equal(new URL(p.url()).pathname, '/admin/login');
  assert.match(await p.locator('.notice').textContent(), /signed out/i);
  assert.equal((await editor.context.cookies()).find((c) => c.name === 'chancery_session'), undefined,
               'the session cookie is gone');
  await p.goto(url('/admin'));
  assert.equal(new URL(p.url()).pathname, '/admin/login');

  // The old token, replayed from elsewhere, opens nothing.
  const thief = await site.browser.newContext();
  try {
    await thief.addCookies([{ ...token }]);
    const tp = await thief.newPage();
    await tp.goto(url('/admin/'));
    assert.equal(new URL(tp.url()).pathname, '/admin/login', 'the old session no longer works');
  } finally {
    await thief.close();
  }
  assertClean('signing out');
});

step('screenshots of the dashboard, editor, queue and media library were saved', async () => {
  for (const name of ['dashboard', 'editor', 'queue', 'media']) {
    const file = day.shots.find((f) => f.endsWith(`newsroom-${name}.png`));
    assert.ok(file, `a screenshot of the ${name} was taken`);
    assert.ok(fs.statSync(file).size > 1000, `${file} is not empty`);
  }
});
