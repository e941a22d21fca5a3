#!/usr/bin/env node
// Feed check: every Atom feed of a running gongkai server (and its sitemaps)
// is well-formed XML and parses as a feed whose entries are complete.
//
//   node feeds.mjs BASE_URL            (or env CONTRACT_BASE_URL)
//   node feeds.mjs --file FEED.xml...  (the same checks on local files)
//
// Feeds fetched: /feeds/site.atom, /feeds/areas/{n}.atom and
// /feeds/items/{n}.atom for every area and item of /api/v1/catalog, and
// /feeds/units/{name}.atom for every unit of /api/v1/units. For each feed:
//   - status 200 and Content-Type application/atom+xml; charset=utf-8;
//   - `xmllint --noout -` accepts it (well-formed XML; xmllint comes with
//     the Debian package libxml2-utils);
//   - rss-parser parses it; the feed has an id, a title, an <updated> in
//     Beijing time (+08:00) no older than any entry's, and a rel="self" link;
//   - every entry has an id (unique within the feed), a title, an absolute
//     http(s) link and an <updated> (and <published>, if present) in
//     RFC 3339 with the offset +08:00; there are at most 50 entries.
// Sitemaps: /sitemap.xml and every sitemap it lists are well-formed
// (xmllint) and list absolute URLs; robots.txt names /sitemap.xml.
//
// Exit status 0 when every check passed, 1 otherwise.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';

const BEIJING = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const MAX_ENTRIES = 50;
const XMLLINT = process.env.XMLLINT || 'xmllint';

const args = process.argv.slice(2);
const files = [];
let base = process.env.CONTRACT_BASE_URL || '';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--file') files.push(args[++i]);
  else if (args[i].startsWith('-')) usage(`unknown option ${args[i]}`);
  else base = args[i];
}
if (!base && files.length === 0) usage('no base URL and no --file');
base = base.replace(/\/+$/, '');

function usage(why) {
  console.error(`feeds: ${why}\nusage: node feeds.mjs BASE_URL | node feeds.mjs --file FEED.xml [--file ...]`);
  process.exit(2);
}

let passed = 0;
let failed = 0;
function report(what, problems) {
  if (problems.length === 0) {
    passed++;
    console.log(`ok    ${what}`);
  } else {
    failed++;
    console.log(`FAIL  ${what}\n      ${problems.join('\n').replace(/\n/g, '\n      ')}`);
  }
}

// Well-formedness by libxml2: "" when fine, else xmllint's complaint.
function xmllint(text) {
  const r = spawnSync(XMLLINT, ['--noout', '-'], { input: text, encoding: 'utf8' });
  if (r.error) {
    const hint = r.error.code === 'ENOENT' ? ' (install the Debian package libxml2-utils)' : '';
    return `cannot run ${XMLLINT}: ${r.error.message}${hint}`;
  }
  if (r.status !== 0) return `xmllint --noout rejects it:\n${(r.stderr || '').trim().split('\n').slice(0, 6).join('\n')}`;
  return '';
}

const parser = new Parser({
  // rss-parser turns Atom dates into UTC ISO strings; keep the text as sent.
  customFields: { feed: ['id', 'updated'], item: ['id', 'updated', 'published'] },
});

// Checks one feed's text; returns the problems found.
async function checkFeedText(text) {
  const problems = [];
  const lint = xmllint(text);
  if (lint) problems.push(lint);
  let feed;
  try {
    feed = await parser.parseString(text);
  } catch (e) {
    problems.push(`rss-parser cannot parse it: ${e.message}`);
    return problems;
  }
  if (!text.includes('xmlns="http://www.w3.org/2005/Atom"')) problems.push('not an Atom feed (no Atom namespace)');
  const raw = (v) => (Array.isArray(v) ? v[0] : v);
  const feedId = raw(feed.id);
  const feedUpdated = raw(feed.updated);
  if (!feedId) problems.push('the feed has no <id>');
  if (!feed.title) problems.push('the feed has no <title>');
  if (!feedUpdated || !BEIJING.test(feedUpdated)) problems.push(`the feed's <updated> "${feedUpdated}" is not RFC 3339 with +08:00`);
  if (!/<link rel="self"[^>]* href="https?:\/\/[^"]+"/.test(text)) problems.push('the feed has no absolute rel="self" link');
  const items = feed.items ?? [];
  if (items.length > MAX_ENTRIES) problems.push(`${items.length} entries, at most ${MAX_ENTRIES} expected`);
  const ids = new Set();
  items.forEach((it, i) => {
    const at = `entry ${i + 1}${it.title ? ` “${it.title}”` : ''}`;
    const id = raw(it.id);
    const updated = raw(it.updated);
    const published = raw(it.published);
    if (!id) problems.push(`${at}: no <id>`);
    else if (ids.has(id)) problems.push(`${at}: the id ${id} repeats`);
    else ids.add(id);
    if (!it.title) problems.push(`${at}: no <title>`);
    if (!it.link || !/^https?:\/\/[^\s]+$/.test(it.link)) problems.push(`${at}: link ${JSON.stringify(it.link)} is not an absolute http(s) URL`);
    if (!updated || !BEIJING.test(updated)) problems.push(`${at}: <updated> ${JSON.stringify(updated)} is not RFC 3339 with +08:00`);
    if (published !== undefined && !BEIJING.test(published)) problems.push(`${at}: <published> ${JSON.stringify(published)} is not RFC 3339 with +08:00`);
    if (updated && feedUpdated && BEIJING.test(updated) && BEIJING.test(feedUpdated) && updated > feedUpdated) {
      problems.push(`${at}: updated ${updated} is newer than the feed's ${feedUpdated}`);
    }
  });
  return problems;
}

async function get(path) {
  const res = await fetch(base + path, { redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

async function checkFeedUrl(path) {
  const problems = [];
  let entries = '';
  try {
    const r = await get(path);
    if (r.status !== 200) problems.push(`status ${r.status}, expected 200`);
    if (r.type !== 'application/atom+xml; charset=utf-8') problems.push(`Content-Type "${r.type}", expected "application/atom+xml; charset=utf-8"`);
    problems.push(...(await checkFeedText(r.text)));
    entries = ` (${(r.text.match(/<entry>/g) ?? []).length} entries)`;
  } catch (e) {
    problems.push(`request failed: ${e.message}`);
  }
  report(`feed ${path}${entries}`, problems);
}

async function checkSitemaps() {
  const seen = new Set();
  const queue = ['/sitemap.xml'];
  while (queue.length) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const problems = [];
    try {
      const r = await get(path);
      if (r.status !== 200) problems.push(`status ${r.status}, expected 200`);
      if (r.type !== 'application/xml; charset=utf-8') problems.push(`Content-Type "${r.type}", expected "application/xml; charset=utf-8"`);
      const lint = xmllint(r.text);
      if (lint) problems.push(lint);
      const locs = [...r.text.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
      if (locs.length === 0) problems.push('no <loc>');
      for (const loc of locs) {
        if (!/^https?:\/\/[^\s]+$/.test(loc)) problems.push(`<loc>${loc}</loc> is not an absolute URL`);
      }
      for (const m of r.text.matchAll(/<lastmod>([^<]*)<\/lastmod>/g)) {
        if (!BEIJING.test(m[1])) problems.push(`<lastmod>${m[1]}</lastmod> is not RFC 3339 with +08:00`);
      }
      if (r.text.includes('<sitemapindex')) {
        for (const loc of locs) queue.push(new URL(loc).pathname);
      }
    } catch (e) {
      problems.push(`request failed: ${e.message}`);
    }
    report(`sitemap ${path}`, problems);
  }
  try {
    const r = await get('/robots.txt');
    report('robots.txt names the sitemap', /^Sitemap: https?:\/\/\S+\/sitemap\.xml$/m.test(r.text) ? [] : [`no Sitemap line in:\n${r.text}`]);
  } catch (e) {
    report('robots.txt', [`request failed: ${e.message}`]);
  }
}

async function main() {
  const started = Date.now();
  if (files.length) {
    for (const f of files) {
      let problems;
      try {
        problems = await checkFeedText(readFileSync(f, 'utf8'));
      } catch (e) {
        problems = [e.message];
      }
      report(`feed file ${f}`, problems);
    }
  } else {
    const paths = ['/feeds/site.atom'];
    try {
      const res = await fetch(base + '/api/v1/catalog');
      if (res.status !== 200) throw new Error(`GET /api/v1/catalog answered ${res.status}`);
      const catalog = await res.json();
      for (const a of catalog.areas) {
        paths.push(`/feeds/areas/${a.number}.atom`);
        for (const it of a.items) paths.push(`/feeds/items/${it.number}.atom`);
      }
      const ures = await fetch(base + '/api/v1/units');
      if (ures.status !== 200) throw new Error(`GET /api/v1/units answered ${ures.status}`);
      for (const u of (await ures.json()).units) paths.push(`/feeds/units/${encodeURIComponent(u.name)}.atom`);
    } catch (e) {
      report('listing the feeds from /api/v1/catalog and /api/v1/units', [e.message]);
    }
    for (const p of paths) await checkFeedUrl(p);
    await checkSitemaps();
  }
  console.log(`\nfeeds: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
