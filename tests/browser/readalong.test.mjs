// The read-along page in a real browser: Debian's headless Chromium driven by
// playwright-core. Builds a bundle with the rawi binary, serves it from a static server on
// 127.0.0.1 started here, and checks that seeking the audio highlights (and scrolls to)
// the sentence being read, that a click on a sentence seeks there, that the page is
// right-to-left Arabic, fits a phone screen and loads nothing from the network.
//
// Run: cargo build && (cd tests/browser && npm ci && node --test)
// RAWI_BIN overrides the binary; CHROMIUM the browser (default /usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, extname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const rawiBin = process.env.RAWI_BIN || resolve(here, '../../target/debug/rawi');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const ARTICLE = `+++
title = "الحكومة تعلن خطة جديدة للنقل العام"
date = 2024-05-01
source = "وكالة الأنباء"
+++

أعلنت الحكومة اليوم عن خطة جديدة لتطوير النقل العام في المدن الكبرى. وتشمل الخطة شراء حافلات كهربائية.

## التمويل

قال الوزير إن التمويل سيأتي من الموازنة العامة ومن شركاء دوليين. وأضاف أن العمل يبدأ في الصيف.

## ردود الفعل

رحب السكان بالخطة، لكنهم طالبوا بتحسين المواعيد. وقال أحدهم إن الحافلات الحالية قديمة جدا.
`;

const SECOND = `ارتفاع أسعار القمح في الأسواق العالمية

القاهرة – ارتفعت أسعار القمح هذا الأسبوع بسبب الجفاف. ويتوقع الخبراء أن تستمر الزيادة.
`;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.json': 'application/json',
  '.vtt': 'text/vtt; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
};

let work, root, server, base, browser;

/** A static file server with byte ranges (the media element seeks with them). */
function serve(dir) {
  return createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(dir + sep) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(path);
    const headers = { 'Content-Type': TYPES[extname(path)] || 'application/octet-stream', 'Accept-Ranges': 'bytes' };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range || '');
    if (range) {
      const start = range[1] === '' ? Math.max(0, body.length - Number(range[2])) : Number(range[1]);
      const end = range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start >= body.length || start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': end - start + 1 });
      res.end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
    res.end(body);
  });
}

before(async () => {
  assert.ok(existsSync(rawiBin), `build rawi first (cargo build): ${rawiBin} is missing`);
  work = mkdtempSync(join(tmpdir(), 'rawi-browser-'));
  writeFileSync(join(work, 'article.md'), ARTICLE);
  root = join(work, 'bundle');
  execFileSync(rawiBin, ['build', 'article.md', '-o', root, '--unpacked', '--format', 'mp3', '--cache', join(work, 'clips')], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(join(work, 'second.txt'), SECOND);
  execFileSync(
    rawiBin,
    ['podcast', 'article.md', 'second.txt', '-o', join(work, 'podcast'), '--unpacked', '--title', 'النشرة',
      '--base-url', 'https://example.org/daily', '--cache', join(work, 'clips')],
    { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  server = serve(work);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Opens the page on a phone-sized screen, with every request recorded. */
async function open() {
  const page = await browser.newPage({ viewport: { width: 390, height: 500 }, deviceScaleFactor: 2 });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${base}/bundle/index.html`);
  await page.waitForFunction(() => document.getElementById('audio').readyState >= 1, null, { timeout: 20000 });
  return { page, requests };
}

/** Seeks the audio and waits for the seek to finish. */
async function seek(page, seconds) {
  await page.evaluate(
    (t) =>
      new Promise((ok) => {
        const a = document.getElementById('audio');
        a.addEventListener('seeked', () => ok(), { once: true });
        a.currentTime = t;
      }),
    seconds,
  );
}

const active = (page) => page.evaluate(() => [...document.querySelectorAll('.s.active')].map((e) => e.id));

test('seeking the audio highlights the sentence at that time', { timeout: 60000 }, async () => {
  const { page, requests } = await open();
  const cues = await page.evaluate(() =>
    [...document.querySelectorAll('.s')].map((e) => ({ id: e.id, start: Number(e.dataset.start), end: Number(e.dataset.end) })),
  );
  assert.ok(cues.length >= 6, `only ${cues.length} sentences on the page`);
  for (const i of [2, 4, cues.length - 1, 0]) {
    const c = cues[i];
    await seek(page, (c.start + Math.min(200, (c.end - c.start) / 2)) / 1000);
    assert.deepEqual(await active(page), [c.id], `at ${c.start} ms`);
  }
  // The highlighted sentence is scrolled into view (smooth scrolling takes a moment).
  const last = cues[cues.length - 1];
  await seek(page, (last.start + 100) / 1000);
  await page.waitForFunction(
    (id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    },
    last.id,
    { timeout: 5000 },
  );
  // Offline: everything came from the bundle's own server.
  assert.deepEqual(requests.filter((u) => !u.startsWith(`${base}/bundle/`)), []);
  await page.close();
});

test('a click on a sentence seeks the audio there', { timeout: 60000 }, async () => {
  const { page } = await open();
  const target = await page.evaluate(() => {
    const e = document.querySelectorAll('.s')[3];
    return { id: e.id, start: Number(e.dataset.start) / 1000 };
  });
  await page.click(`#${target.id}`);
  await page.waitForFunction(
    (t) => Math.abs(document.getElementById('audio').currentTime - t) < 0.5,
    target.start,
    { timeout: 10000 },
  );
  assert.deepEqual(await active(page), [target.id]);
  await page.close();
});

test('right-to-left Arabic that fits a phone screen', { timeout: 60000 }, async () => {
  const { page } = await open();
  const info = await page.evaluate(() => ({
    dir: document.documentElement.dir,
    lang: document.documentElement.lang,
    viewport: document.querySelector('meta[name=viewport]')?.content,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    direction: getComputedStyle(document.querySelector('main')).direction,
  }));
  assert.equal(info.dir, 'rtl');
  assert.equal(info.lang, 'ar');
  assert.match(info.viewport, /width=device-width/);
  assert.equal(info.direction, 'rtl');
  assert.ok(info.overflow <= 0, `page is ${info.overflow}px wider than a phone`);
  await page.close();
});

test("the podcast's page leads to each episode's read-along page", { timeout: 60000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 700 } });
  await page.goto(`${base}/podcast/index.html`);
  const links = await page.evaluate(() => [...document.querySelectorAll('nav a')].map((a) => a.textContent));
  assert.equal(links.length, 2);
  await page.click('nav a >> nth=0');
  await page.waitForFunction(() => document.getElementById('audio')?.readyState >= 1, null, { timeout: 20000 });
  assert.match(page.url(), /\/podcast\/episodes\/[^/]+\/index\.html$/);
  const second = await page.evaluate(() => {
    const e = document.querySelectorAll('.s')[1];
    return { id: e.id, start: Number(e.dataset.start) / 1000 };
  });
  await seek(page, second.start + 0.05);
  assert.deepEqual(await active(page), [second.id]);
  await page.close();
});
