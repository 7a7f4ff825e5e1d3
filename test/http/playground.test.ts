import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from '../../scripts/browser.js';
import { startHttpHarness, type HttpHarness } from './harness.js';

/** The playground page in headless Chromium, as a visitor uses it: with the mouse, then with the keyboard only. */

let harness: HttpHarness;
let browser: Browser;

beforeAll(async () => {
  harness = await startHttpHarness({ settings: { publicKey: undefined, token: undefined } });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** Errors the page reported, by page: a script refused by the Content-Security-Policy, or one that throws. */
const pageErrors = new Map<Page, string[]>();

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  pageErrors.set(page, errors);
  await page.goto(harness.origin);
  return page;
}

async function closePage(page: Page): Promise<void> {
  expect(pageErrors.get(page)).toEqual([]);
  await page.close();
}

const answerFooter = (page: Page) => page.locator('#messages article').first().locator('.embed-footer');

/** The element the keyboard is on: its tag, its id or its text. */
function focused(page: Page): Promise<string> {
  // Run in the page, where `document` is the page's.
  return page.evaluate(`(() => {
    const element = document.activeElement;
    return element === null ? '' : element.tagName.toLowerCase() + ':' + (element.id || element.textContent.trim());
  })()`);
}

describe('the playground page', () => {
  it('answers a typed question as the bot would post it: quote, highlights, citation; Next walks the ranking', async () => {
    const page = await openPage();
    await page.getByLabel('Your question').fill('Who is Laura Watson?');
    await page.getByRole('button', { name: 'Ask' }).click();

    const answer = page.locator('#messages article').first();
    await expect.poll(() => answer.locator('.embed-title').textContent()).toBe('Who is Laura Watson?');
    const quote = answer.locator('blockquote');
    expect(await quote.textContent()).toContain('ECOP spokesperson Laura Watson said');
    // The question's words in bold, the best sentence underlined, as Discord draws the bot's markdown.
    expect(await quote.locator('strong').allTextContents()).toContain('Laura Watson');
    expect(await quote.locator('u').first().textContent()).toContain('Criminalising clients does not stop prostitution');
    expect(await answer.locator('.markdown > p strong').last().textContent()).toMatch(
      /^📄 002_b621c17d5ab6b26c\.txt · lines \d+–\d+ · Redbridge council’s efforts/,
    );
    expect(await answerFooter(page).textContent()).toBe('Match 1 of 4');
    expect(await answer.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await answer.getByRole('button', { name: 'Next match' }).click();
    await expect.poll(() => answerFooter(page).textContent()).toBe('Match 2 of 4');
    expect(await page.locator('#messages article').count()).toBe(1);
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(() => answerFooter(page).textContent()).toBe('Match 1 of 4');

    // Every source is listed.
    expect(await page.locator('#sources li').count()).toBe(5);
    await closePage(page);
  });

  it('says when the sources do not answer', async () => {
    const page = await openPage();
    await page.getByLabel('Your question').fill('What is the weather in Leeds?');
    await page.keyboard.press('Enter');
    const notice = page.locator('#messages article').first();
    await expect.poll(() => notice.textContent()).toContain("I couldn't find that in the sources.");
    expect(await notice.getAttribute('class')).toContain('ephemeral');
    expect(await notice.textContent()).toContain('Only you can see this.');
    await closePage(page);
  });

  it('labels a passage on the subject that does not answer as asked, and posts it only on "Post anyway"', async () => {
    const page = await openPage();
    await page.getByLabel('Your question').fill('How many walk-ups are there in Soho?');
    await page.keyboard.press('Enter');
    const related = page.locator('#messages article').first();
    await expect.poll(() => related.textContent()).toContain("The sources don't answer that directly. The closest passage:");
    expect(await related.getAttribute('class')).toContain('ephemeral');
    expect(await related.locator('button').allTextContents()).toEqual(['📄 Show source', 'Post anyway']);
    await related.getByRole('button', { name: 'Post anyway' }).click();
    const posted = page.locator('#messages article').nth(1);
    await expect.poll(() => posted.textContent()).toContain("The sources don't answer that directly. The closest passage:");
    expect(await posted.getAttribute('class')).not.toContain('ephemeral');
    expect(await posted.locator('button').allTextContents()).not.toContain('📌 Pin');
    await closePage(page);
  });

  it('works from the keyboard alone: ask, Next match, Show source', async () => {
    const page = await openPage();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a:Skip to the answer');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input:question');
    await page.keyboard.type('Who is Laura Watson?');
    await page.keyboard.press('Enter');
    await expect.poll(() => answerFooter(page).textContent()).toBe('Match 1 of 4');
    expect(await page.locator('#status').textContent()).toBe('Answer shown below.');

    // Tab past the Ask button to the answer's buttons: Previous is disabled and skipped.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Ask');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:Next match');
    await page.keyboard.press('Enter');
    await expect.poll(() => answerFooter(page).textContent()).toBe('Match 2 of 4');
    // The answer was redrawn under the keyboard, which stays on its Next match.
    expect(await focused(page)).toBe('button:Next match');

    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('button:Previous');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button:📄 Show source');
    await page.keyboard.press('Enter');
    const shownSource = page.locator('#messages article').nth(1);
    await expect.poll(() => shownSource.locator('.attachment').textContent()).toMatch(/^📎 \S+\.txt \([\d,]+ bytes\)$/);
    expect(await shownSource.textContent()).toContain('Only you can see this.');
    await closePage(page);
  });
});
