// Every page a spec opens is watched: a console error, an uncaught exception or
// a request to any host but the app's own fails the test. Content-Security-Policy
// violations are console errors, so they fail it too.
import { test as base, expect, type Page } from '@playwright/test';

export type Watch = {
  errors: string[];
  offsite: string[];
  /** Console errors a test expects (an answer it provokes, such as a 401 to a
   * wrong password, which Chromium logs as a failed resource). */
  allowed: RegExp[];
};

/** Starts watching `page` (for pages a test opens in a context of its own). */
export async function watchPage(page: Page, ownHost: string): Promise<Watch> {
  const watch: Watch = { errors: [], offsite: [], allowed: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') watch.errors.push(msg.text());
  });
  page.on('pageerror', (err) => watch.errors.push(err.message));
  // Anything leaving the app's host is recorded and never sent.
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol.startsWith('http') && url.host !== ownHost) {
      watch.offsite.push(url.href);
      return route.abort();
    }
    return route.continue();
  });
  return watch;
}

/** Fails the test if the watched page logged an unexpected error or left the app. */
export function expectClean(watch: Watch) {
  const unexpected = watch.errors.filter((e) => !watch.allowed.some((re) => re.test(e)));
  expect(unexpected, 'console errors').toEqual([]);
  expect(watch.offsite, 'requests that left the app').toEqual([]);
}

/** Resolves once the app's code has run on the page (`<html data-hydrated>`, set
 * when the page's WASM, lazy chunk included, has hydrated it); at once for a
 * document that is not one of the app's pages (the API docs). The dashboard
 * keeps the app's scripts in `<template id="ds-hydration">` until the early
 * paint has drawn. */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.hydrated === 'true' ||
      (!document.querySelector('link[rel=modulepreload][href^="/pkg/"]') && !document.getElementById('ds-hydration')),
  );
}

/** `page` whose `goto` and `reload` resolve once the page is interactive, as a
 * person waits to see it ready before using it: a server-rendered page shows
 * its controls before its code (a lazy chunk for most pages) has arrived. */
function hydrating(page: Page): Page {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    if (!options?.waitUntil || options.waitUntil === 'load') await waitForHydration(page);
    return response;
  };
  page.reload = async (options) => {
    const response = await reload(options);
    if (!options?.waitUntil || options.waitUntil === 'load') await waitForHydration(page);
    return response;
  };
  return page;
}

export const test = base.extend<{ watch: Watch }>({
  page: async ({ page }, use) => {
    await use(hydrating(page));
  },
  watch: async ({ page, baseURL }, use) => {
    const watch = await watchPage(page, new URL(baseURL!).host);
    await use(watch);
    expectClean(watch);
  },
});

export { expect };

/** Resolves once the WASM has hydrated the page and every chart and the markers
 * are drawn: the app's own markers (`data-country`, which the early paint's lack). */
export async function waitForDashboard(page: Page) {
  // Every chart box drawn (those below the fold are drawn when the page is
  // idle, paint::later), the growth chart with its data.
  const charts = ['user-growth-chart', 'users-by-type-chart', 'activity-chart', 'heatmap-chart', 'problems-chart'];
  await page.waitForFunction((ids) => {
    // @ts-expect-error: echarts is the global the vendored script defines.
    const instance = (el: Element | null) => el && window.echarts?.getInstanceByDom(el);
    const boxes = ids.map((id) => document.getElementById(id)).filter((el) => el !== null);
    const series = instance(document.getElementById(ids[0]))?.getOption()?.series;
    return (
      !!series && series[0].data.length > 0 && boxes.every((el) => !!instance(el)) &&
      document.querySelectorAll('.country-marker[data-country]').length > 0
    );
  }, charts);
}

/** The API's way of writing a count on a card: thousands separators. */
export const formatCount = (n: number) => n.toLocaleString('en-US');

/** The country code of a map marker whose centre is on screen and not covered
 * by a neighbour, so that a click lands on it. */
export async function clickableMarker(page: Page): Promise<string> {
  await page.locator('#user-map').scrollIntoViewIfNeeded();
  const code = await page.evaluate(() => {
    for (const el of Array.from(document.querySelectorAll<SVGPathElement>('.country-marker'))) {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit === el) return el.dataset.country ?? null;
    }
    return null;
  });
  expect(code, 'a marker a click can reach').not.toBeNull();
  return code!;
}

/** Resolves once the login form is hydrated (sent by the WASM client, so a
 * success loads the next page and a failure shows its message in place). */
export async function waitForLoginForm(page: Page) {
  await page.locator('.login-card[data-hydrated="true"]').waitFor();
}

/** Signs in through the login page that `page` shows. */
export async function signIn(page: Page, email: string, password: string) {
  await waitForLoginForm(page);
  await page.getByLabel('이메일').fill(email);
  await page.getByLabel('비밀번호').fill(password);
  await page.getByRole('button', { name: '로그인' }).click();
}
