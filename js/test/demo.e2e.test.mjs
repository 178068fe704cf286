// The web demo in a real browser (Debian's chromium driven by playwright-core,
// never a downloaded browser) against a real truce-host serving it: the
// conflict flows of the seed, one page per tab. Each test saves a screenshot
// under TRUCE_TEST_OUTPUT (default: a temporary folder, printed).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repo, startHost } from './host-process.mjs';

const browserBin = process.env.TRUCE_CHROMIUM ?? '/usr/bin/chromium';
const output = process.env.TRUCE_TEST_OUTPUT ?? mkdtempSync(path.join(os.tmpdir(), 'truce-e2e-'));
const screenshots = path.join(output, 'e2e');

async function startDemoHost() {
  for (const needed of [browserBin, path.join(repo, 'js/dist/browser.mjs')]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing: run the README's test command`);
  }
  return startHost(['--static', path.join(repo, 'web-demo'), '--mount', `/truce=${path.join(repo, 'js/dist')}`]);
}

test('the web demo in Chromium', async (t) => {
  mkdirSync(screenshots, { recursive: true });
  const host = await startDemoHost();
  t.after(host.stop);
  const browser = await chromium.launch({ executablePath: browserBin, args: ['--no-sandbox', '--headless'] });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let count = 0;

  const api = (id) => `${host.url}/api/docs/${id}`;
  async function serverState(id) {
    const response = await fetch(api(id));
    return { version: Number(response.headers.get('x-version')), doc: await response.json() };
  }
  async function newTask(fields) {
    const id = `e2e-${(count += 1)}`;
    const response = await fetch(api(id), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'If-None-Match': '*' },
      body: JSON.stringify({ title: 'Write docs', description: '', status: 'todo', tags: [], estimate: null, assignee: '', ...fields }),
    });
    assert.equal(response.status, 201);
    return id;
  }
  async function openTask(id, query = '') {
    const page = await context.newPage();
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    await page.goto(`${host.url}/?task=${id}${query}`);
    await page.waitForSelector('body[data-ready=true]');
    const editor = page.locator('#editor-1');
    await editor.locator('.status-line[data-status=idle]').waitFor();
    await assert.doesNotReject(editor.locator('input[name=title]').waitFor());
    return { page, editor };
  }
  const statusOf = (editor) => editor.locator('.status-line').getAttribute('data-status');
  async function saveField(editor, name, value) {
    const field = editor.locator(`[name=${name}]`);
    if (await field.evaluate((node) => node.tagName === 'SELECT')) await field.selectOption(value);
    else await field.fill(value);
    await editor.getByRole('button', { name: /^(Save|Guardar)$/ }).click();
  }
  const shot = (page, name) => page.screenshot({ path: path.join(screenshots, `${name}.png`) });

  await t.test('the same field saved in two tabs: the second gets the dialog; "apply my changes" wins at +2', async () => {
    const id = await newTask();
    const one = await openTask(id);
    const two = await openTask(id);
    await saveField(one.editor, 'title', 'Write the docs');
    await one.editor.locator('.status-line', { hasText: 'Saved v2' }).waitFor();
    await saveField(two.editor, 'title', 'Write better docs');
    const dialog = two.page.getByRole('dialog', { name: 'This task changed while you were editing it' });
    await dialog.waitFor();
    assert.equal(await dialog.locator('td.theirs').first().textContent(), 'Write the docs');
    assert.equal(await statusOf(two.editor), 'conflict');
    await shot(two.page, 'conflict-dialog');
    await dialog.getByRole('button', { name: 'Refresh and apply my changes' }).click();
    await two.editor.locator('.status-line', { hasText: 'Saved v3' }).waitFor();
    assert.deepEqual((await serverState(id)).version, 3);
    assert.equal((await serverState(id)).doc.title, 'Write better docs');
    // The first tab picks it up on its next poll.
    await one.page.waitForFunction(() => document.querySelector('#editor-1 input[name=title]').value === 'Write better docs');
    await shot(one.page, 'after-refresh');
    await Promise.all([one.page.close(), two.page.close()]);
  });

  await t.test('different fields saved in two tabs: both kept, no dialog, a merge notice', async () => {
    const id = await newTask();
    const one = await openTask(id);
    const two = await openTask(id);
    await saveField(one.editor, 'title', 'Plan the sprint');
    await one.editor.locator('.status-line', { hasText: 'Saved v2' }).waitFor();
    await saveField(two.editor, 'status', 'doing');
    await two.editor.locator('.status-line', { hasText: 'Merged with changes from someone else (v3)' }).waitFor();
    assert.equal(await two.page.getByRole('dialog').count(), 0);
    assert.equal(await two.editor.locator('input[name=title]').inputValue(), 'Plan the sprint');
    const { version, doc } = await serverState(id);
    assert.equal(version, 3);
    assert.equal(doc.title, 'Plan the sprint');
    assert.equal(doc.status, 'doing');
    await shot(two.page, 'merged-notice');
    await Promise.all([one.page.close(), two.page.close()]);
  });

  await t.test('"Descartar mis cambios" (Spanish) shows the server state and writes nothing', async () => {
    const id = await newTask();
    const one = await openTask(id, '&lang=es');
    const two = await openTask(id, '&lang=es');
    await saveField(one.editor, 'title', 'Escribir la documentación');
    await one.editor.locator('.status-line', { hasText: 'Guardado v2' }).waitFor();
    await saveField(two.editor, 'title', 'Otra cosa');
    const dialog = two.page.getByRole('dialog', { name: 'Esta tarea cambió mientras la editabas' });
    await dialog.waitFor();
    await shot(two.page, 'conflict-dialog-es');
    await dialog.getByRole('button', { name: 'Descartar mis cambios' }).click();
    await two.page.waitForFunction(() => document.querySelector('#editor-1 input[name=title]').value === 'Escribir la documentación');
    assert.equal(await statusOf(two.editor), 'idle');
    assert.deepEqual((await serverState(id)).version, 2);
    await Promise.all([one.page.close(), two.page.close()]);
  });

  await t.test('a save whose response is lost is retried and makes one version only', async () => {
    const id = await newTask();
    const one = await openTask(id);
    let dropped = 0;
    await one.page.route(`**/api/docs/${id}`, async (route) => {
      if (route.request().method() !== 'PATCH' || dropped > 0) return route.continue();
      dropped += 1;
      await route.fetch(); // the server writes…
      return route.abort('connectionreset'); // …and the answer never arrives
    });
    await saveField(one.editor, 'assignee', 'Ana');
    await one.editor.locator('.status-line', { hasText: 'Saved v2' }).waitFor();
    assert.equal(dropped, 1);
    assert.deepEqual(await serverState(id), { version: 2, doc: { ...(await serverState(id)).doc, assignee: 'Ana' } });
    await shot(one.page, 'lost-response');
    await one.page.close();
  });

  await t.test('the board: new tasks, a second editor beside the first, reordering, a phone-width layout', async () => {
    const page = await context.newPage();
    await page.goto(host.url);
    await page.waitForSelector('body[data-ready=true]');
    await page.getByRole('button', { name: 'New task' }).click();
    const first = page.locator('#editor-1');
    await first.locator('.status-line[data-status=idle]').waitFor();
    await saveField(first, 'title', 'First');
    await page.getByRole('button', { name: 'New task' }).click();
    await first.locator('.status-line[data-status=idle]').waitFor();
    await saveField(first, 'title', 'Second');
    await page.locator('#tasks li', { hasText: 'Second' }).waitFor();
    await page.getByRole('button', { name: 'Move up: Second' }).click();
    await page.waitForFunction(() => document.querySelector('#tasks li')?.textContent.includes('Second'));
    await page.getByRole('button', { name: 'Open a second editor' }).click();
    const second = page.locator('#editor-2');
    await second.locator('.status-line[data-status=idle]').waitFor();
    assert.equal(await second.locator('input[name=title]').inputValue(), 'Second');
    await shot(page, 'board-two-editors');
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
    await shot(page, 'board-phone');
    const board = await serverState('board');
    assert.equal(board.doc.tasks.length, 2);
    await page.close();
  });
  console.log(`screenshots: ${screenshots}`);
});
