// Logs a user in through web pages in Debian's headless Chromium, the way a person would:
//
//   node login.mjs --url URL --username U --password P --until REGEX [--screenshot FILE] [--timeout-ms N]
//
// The password may come from LOGIN_PASSWORD or LOGIN_PASSWORD_B64 (UTF-8, base64) instead of --password (keeps it out of the process
// list). Opens URL, then until the page's URL matches REGEX: fills and submits any visible
// password form (with the username), clicks an Authorize/Allow/Continue-style button, and follows
// the redirects. On success prints `DONE <url>` and the page's visible text (first 2000
// characters), exit 0. On failure prints one line `FAIL <reason>`, exit 1 (3 when Chromium cannot
// start; 2 for bad arguments). Never runs past its timeout: every wait is bounded by the deadline
// and a watchdog exits the process shortly after it.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

// Debian's chromium, headless as root; without the background-networking flags it keeps
// dialling Google services, which this machine's closed network refuses. The pages under test
// are all on loopback, so no proxy from the environment may intervene.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-proxy-server'];
const CONSENT = /^\s*(authorize|allow|approve|accept|consent|continue|yes)\b/i;
const USERNAME_FIELDS = 'input[name=username], input[name=login], input[name=email], input[type=email]';
const TEXT_FIELDS = 'input[type=text], input:not([type])';
const MAX_SUBMISSIONS = 5;
const TEXT_LIMIT = 2000;

const log = (message) => process.stderr.write(`[login ${new Date().toISOString()}] ${message}\n`);

class LoginFailure extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        until: { type: 'string' },
        screenshot: { type: 'string' },
        'timeout-ms': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new LoginFailure(`bad arguments: ${error.message}`, 2);
  }
  // LOGIN_PASSWORD_B64 (UTF-8, base64) survives a POSIX locale between Java and Node.
  const password = values.password ?? (process.env.LOGIN_PASSWORD_B64 !== undefined
    ? Buffer.from(process.env.LOGIN_PASSWORD_B64, 'base64').toString('utf8')
    : process.env.LOGIN_PASSWORD);
  for (const [name, value] of [['--url', values.url], ['--username', values.username], ['--until', values.until],
    ['--password (or LOGIN_PASSWORD)', password]]) {
    if (!value) throw new LoginFailure(`missing ${name}`, 2);
  }
  if (!URL.canParse(values.url)) throw new LoginFailure(`--url is not a URL: ${values.url}`, 2);
  let until;
  try {
    until = new RegExp(values.until);
  } catch (error) {
    throw new LoginFailure(`--until is not a regular expression: ${error.message}`, 2);
  }
  const timeoutMs = Number(values['timeout-ms'] ?? '30000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 600000) {
    throw new LoginFailure('--timeout-ms must be an integer from 1000 to 600000', 2);
  }
  return { url: values.url, username: values.username, password, until, screenshot: values.screenshot, timeoutMs };
}

const oneLine = (text, max = 300) => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};
const where = (url) => {
  try {
    const u = new URL(url);
    return u.protocol.startsWith('http') ? `${u.origin}${u.pathname}` : url;
  } catch {
    return url;
  }
};

async function visibleText(page, timeout) {
  try {
    return await page.locator('body').innerText({ timeout: Math.max(100, Math.min(timeout, 5000)) });
  } catch {
    return '';
  }
}

/** What a person would see on the page: an error line if the page shows one, else its text. */
async function pageSays(page, deadline) {
  const alert = page.locator('[role=alert]:visible, .error:visible, .alert:visible').first();
  const remaining = Math.max(100, Math.min(deadline - Date.now(), 2000));
  if (await alert.count().catch(() => 0)) {
    const text = await alert.innerText({ timeout: remaining }).catch(() => '');
    if (text.trim()) return oneLine(text);
  }
  return oneLine(await visibleText(page, remaining));
}

async function run(opts, session) {
  const deadline = Date.now() + opts.timeoutMs;
  const remaining = () => {
    const left = deadline - Date.now();
    if (left <= 0) throw new LoginFailure('deadline passed');
    return left;
  };
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new LoginFailure(`no Chromium at ${executablePath}: install Debian's chromium: apt-get install -y chromium`, 3);
  }
  session.profile = mkdtempSync(join(tmpdir(), 'trellis-login-'));
  try {
    session.context = await chromium.launchPersistentContext(session.profile, {
      executablePath, headless: true, chromiumSandbox: false, args: CHROMIUM_FLAGS, timeout: remaining(),
    });
  } catch (error) {
    throw new LoginFailure(`Chromium at ${executablePath} did not start: ${oneLine(error.message)}`
      + ' (install Debian\'s chromium: apt-get install -y chromium)', 3);
  }
  const page = session.context.pages()[0] ?? await session.context.newPage();
  session.page = page;
  page.setDefaultTimeout(Math.max(1000, Math.min(opts.timeoutMs, 10000)));

  // The main frame's latest navigation, so a refused connection or an HTTP error is reported as
  // such rather than as "timed out".
  const last = { url: opts.url, status: null, failure: null };
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      last.url = response.url();
      last.status = response.status();
      last.failure = null;
      log(`${response.status()} ${request.method()} ${where(response.url())}`);
    }
  });
  page.on('requestfailed', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      last.url = request.url();
      last.failure = request.failure()?.errorText ?? 'failed';
      log(`failed ${request.method()} ${where(request.url())}: ${last.failure}`);
    }
  });
  const nextNavigation = (timeout) => page.waitForEvent('framenavigated',
    { predicate: (frame) => frame === page.mainFrame(), timeout });
  const checkNotBroken = () => {
    if (page.url().startsWith('chrome-error:') || last.failure) {
      throw new LoginFailure(`could not load ${where(last.url)}: ${last.failure ?? 'browser error page'}`);
    }
  };
  // Acts on the page, then waits (bounded) for the navigation the action causes.
  const actThenFollow = async (what, action) => {
    const navigated = nextNavigation(remaining());
    navigated.catch(() => {});
    await action();
    try {
      await navigated;
    } catch {
      throw new LoginFailure(`${what} at ${where(page.url())} but the page did not navigate before the deadline`);
    }
    await page.waitForLoadState('domcontentloaded', { timeout: remaining() }).catch(() => {});
  };

  try {
    await page.goto(opts.url, { waitUntil: 'domcontentloaded', timeout: remaining() });
  } catch (error) {
    throw new LoginFailure(`could not open ${where(opts.url)}: ${oneLine(error.message.split('\n')[0])}`);
  }

  const submitted = new Set(); // origin+path of every page whose password form we submitted
  let submissions = 0;
  for (;;) {
    checkNotBroken();
    if (opts.until.test(page.url())) {
      await page.waitForLoadState('domcontentloaded', { timeout: remaining() }).catch(() => {});
      return { url: page.url(), text: (await visibleText(page, remaining())).slice(0, TEXT_LIMIT) };
    }
    remaining();
    const here = where(page.url());
    const password = page.locator('input[type=password]:visible').first();
    if (await password.count()) {
      if (submitted.has(here)) {
        throw new LoginFailure(`credentials rejected: the sign-in form at ${here} came back after submitting`
          + ` the password for ${JSON.stringify(opts.username)}; page says: ${await pageSays(page, deadline)}`);
      }
      if (++submissions > MAX_SUBMISSIONS) {
        throw new LoginFailure(`gave up after ${MAX_SUBMISSIONS} sign-in forms; now at ${here}`);
      }
      submitted.add(here);
      const form = page.locator('form').filter({ has: password }).first();
      const scope = (await form.count()) ? form : page;
      let user = scope.locator(USERNAME_FIELDS).filter({ visible: true }).first();
      if (!(await user.count())) user = scope.locator(TEXT_FIELDS).filter({ visible: true }).first();
      if ((await user.count()) && (await user.isEditable())) await user.fill(opts.username);
      await password.fill(opts.password);
      const submit = scope.locator('button[type=submit], input[type=submit], button:not([type])')
        .filter({ visible: true }).first();
      log(`submitting the sign-in form at ${here}`);
      await actThenFollow('submitted the sign-in form',
        async () => ((await submit.count()) ? submit.click() : password.press('Enter')));
      continue;
    }
    const consent = page.getByRole('button', { name: CONSENT }).filter({ visible: true }).first();
    if (await consent.count()) {
      const label = oneLine(await consent.innerText().catch(() => '') || await consent.getAttribute('value') || 'button', 40);
      log(`clicking "${label}" at ${here}`);
      await actThenFollow(`clicked "${label}"`, () => consent.click());
      continue;
    }
    // Nothing to do here (a page that redirects by script, or one we cannot handle): wait a
    // little for a navigation, then look again; the deadline ends it.
    await nextNavigation(Math.min(500, remaining())).catch(() => {});
  }
}

async function main() {
  let opts;
  try {
    opts = options();
  } catch (error) {
    process.stdout.write(`FAIL ${error.message}\n`);
    process.exit(error.exitCode ?? 2);
  }
  const session = { profile: null, context: null, page: null };
  const cleanUp = () => {
    if (session.profile) rmSync(session.profile, { recursive: true, force: true });
  };
  // Backstop: if a browser call ignores its timeout, still exit. Playwright kills the browser it
  // launched when this process exits.
  const watchdog = setTimeout(() => {
    process.stdout.write(`FAIL timed out after ${opts.timeoutMs} ms (watchdog)\n`);
    cleanUp();
    process.exit(1);
  }, opts.timeoutMs + 5000);
  watchdog.unref();

  let exitCode = 0;
  try {
    const result = await run(opts, session);
    process.stdout.write(`DONE ${result.url}\n${result.text}\n`);
  } catch (error) {
    const failure = error instanceof LoginFailure ? error : new LoginFailure(oneLine(error.message));
    let reason = failure.message;
    if (reason === 'deadline passed' || error.name === 'TimeoutError') {
      const at = session.page ? ` at ${where(session.page.url())}` : '';
      const says = session.page ? `; page says: ${await pageSays(session.page, Date.now() + 2000)}` : '';
      const step = reason === 'deadline passed' ? '' : ` (${oneLine(error.message.split('\n')[0], 200)})`;
      reason = `timed out after ${opts.timeoutMs} ms${at} without reaching a URL matching ${opts.until}${step}${says}`;
    }
    if (opts.screenshot && session.page) {
      await session.page.screenshot({ path: opts.screenshot, fullPage: true, timeout: 3000 })
        .then(() => log(`screenshot: ${opts.screenshot}`))
        .catch((e) => log(`no screenshot: ${oneLine(e.message)}`));
    }
    process.stdout.write(`FAIL ${oneLine(reason, 1000)}\n`);
    exitCode = failure.exitCode;
  } finally {
    await session.context?.close().catch(() => {});
    cleanUp();
  }
  process.exit(exitCode);
}

main();
