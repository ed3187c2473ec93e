// The provider's own login and consent pages (oidc-provider's devInteractions accept any
// password, so they are off). Pages are self-contained HTML: no scripts, no external styles or
// fonts, since the browser that fills them has no network beyond loopback.

import { createHash, timingSafeEqual } from 'node:crypto';

const MAX_FORM_BYTES = 16 * 1024;

/** Routes /interaction/<uid> (GET shows the current prompt, POST answers it); null if not ours. */
export function interactionRoute(req) {
  const url = new URL(req.url, 'http://placeholder');
  const match = /^\/interaction\/([A-Za-z0-9_-]{1,128})$/.exec(url.pathname);
  return match ? { uid: match[1] } : null;
}

export async function handleInteraction(provider, accounts, req, res, log) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    // Expired, unknown, or the cookie that binds it to this browser is missing.
    log(`interaction lookup failed: ${error.message}`);
    return page(res, 400, 'Sign-in expired', `<p class="error">${esc(error.message)}</p>`);
  }
  const { prompt, params, uid } = details;
  if (req.method === 'GET') {
    return prompt.name === 'login'
      ? loginPage(res, 200, uid, params.login_hint ?? '', '')
      : consentPage(res, details);
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'GET, POST');
    return page(res, 405, 'Method not allowed', '');
  }
  const form = await readForm(req);
  if (form === null) {
    return page(res, 413, 'Form too large', '');
  }
  if (prompt.name === 'login') {
    const username = form.get('username') ?? '';
    const account = accounts.get(username);
    if (!account || !samePassword(account.password, form.get('password') ?? '')) {
      log(`login rejected for ${JSON.stringify(username)}`);
      return loginPage(res, 401, uid, username, 'Invalid username or password.');
    }
    log(`login accepted for ${JSON.stringify(username)}`);
    return provider.interactionFinished(req, res, { login: { accountId: account.username } },
      { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'consent') {
    if (form.get('decision') !== 'allow') {
      log('consent denied');
      return provider.interactionFinished(req, res,
        { error: 'access_denied', error_description: 'the user denied the request' },
        { mergeWithLastSubmission: false });
    }
    const grantId = await grantMissing(provider, details);
    log(`consent given for client ${params.client_id}`);
    return provider.interactionFinished(req, res, { consent: { grantId } },
      { mergeWithLastSubmission: true });
  }
  return page(res, 501, 'Unsupported prompt', `<p>${esc(prompt.name)}</p>`);
}

async function grantMissing(provider, { grantId, session, params, prompt: { details } }) {
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

// Hashing first makes the comparison constant-time regardless of the lengths.
function samePassword(expected, given) {
  const digest = (s) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(res, status, uid, username, error) {
  page(res, status, 'Sign in', `
    ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
    <form method="post" action="/interaction/${esc(uid)}" autocomplete="off">
      <label>Username <input type="text" name="username" value="${esc(username)}" required autofocus></label>
      <label>Password <input type="password" name="password" required></label>
      <button type="submit">Sign in</button>
    </form>`);
}

function consentPage(res, { uid, params, prompt: { details } }) {
  const scopes = [...new Set(details.missingOIDCScope ?? [])].filter((s) => s !== 'openid');
  page(res, 200, 'Authorize', `
    <p>The application <b>${esc(params.client_id)}</b> asks to sign you in${scopes.length
      ? ` and to read your ${scopes.map(esc).join(', ')}` : ''}.</p>
    <form method="post" action="/interaction/${esc(uid)}">
      <button type="submit" name="decision" value="allow" autofocus>Authorize</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>`);
}

export function page(res, status, title, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
    <style>body{font-family:sans-serif;max-width:28em;margin:2em auto}label{display:block;margin:.5em 0}
    .error{color:#b00020}</style></head>
    <body><h1>${esc(title)}</h1>${body}</body></html>`);
}

export function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
