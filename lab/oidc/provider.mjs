// A real OpenID Provider (oidc-provider, certified) on loopback for Trellis's end-to-end tests.
//
//   node provider.mjs [--port N] --client-id ID --redirect-uri URI... \
//       (--user NAME:PASSWORD... | --users-file FILE) [--pkce required|optional] [--any-loopback-port]
//
// The client secret comes from OIDC_CLIENT_SECRET (or --client-secret, which other users of the
// machine can read in the process list). Every flag also has an environment variable: OIDC_PORT,
// OIDC_CLIENT_ID, OIDC_REDIRECT_URIS (space separated), OIDC_USERS_FILE, OIDC_PKCE. A users file is JSON: {"alice": "password"} or
// [{"username": "alice", "password": "…", "email": "…", "name": "…"}].
//
// Prints exactly one line on stdout, `READY http://127.0.0.1:PORT`, once it serves requests.
// Logs go to stderr. Exits when stdin closes (its parent died) or on SIGTERM/SIGINT.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

import { esc, handleInteraction, interactionRoute, page } from './interactions.mjs';

// oidc-provider prints notices with console.info; stdout carries only the READY line.
console.log = console.info = console.debug = console.error;
const log = (message) => process.stderr.write(`[oidc-provider ${new Date().toISOString()}] ${message}\n`);

function fail(message) {
  log(`error: ${message}`);
  process.exit(2);
}

function settings() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      user: { type: 'string', multiple: true },
      'users-file': { type: 'string' },
      pkce: { type: 'string' },
      'any-loopback-port': { type: 'boolean' },
    },
    strict: true,
  });
  const env = process.env;
  const port = Number(values.port ?? env.OIDC_PORT ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`port must be 0..65535, not ${values.port ?? env.OIDC_PORT}`);
  const clientId = values['client-id'] ?? env.OIDC_CLIENT_ID;
  if (!clientId) fail('no client id: pass --client-id or OIDC_CLIENT_ID');
  const clientSecret = env.OIDC_CLIENT_SECRET ?? values['client-secret'];
  if (!clientSecret) fail('no client secret: set OIDC_CLIENT_SECRET');
  const redirectUris = values['redirect-uri'] ?? (env.OIDC_REDIRECT_URIS ?? '').split(/\s+/).filter(Boolean);
  if (redirectUris.length === 0) fail('no redirect URI: pass --redirect-uri or OIDC_REDIRECT_URIS');
  for (const uri of redirectUris) {
    if (!URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) fail(`redirect URI is not an http(s) URL: ${uri}`);
  }
  const pkce = values.pkce ?? env.OIDC_PKCE ?? 'required';
  if (!['required', 'optional'].includes(pkce)) fail(`pkce must be required or optional, not ${pkce}`);
  return {
    port, clientId, clientSecret, redirectUris,
    pkceRequired: pkce === 'required',
    anyLoopbackPort: values['any-loopback-port'] ?? false,
    accounts: accounts(values.user ?? [], values['users-file'] ?? env.OIDC_USERS_FILE),
  };
}

/** Username → {username, password, email, name}; a username is also the subject (`sub`). */
function accounts(pairs, file) {
  let entries = pairs.map((pair) => {
    const colon = pair.indexOf(':');
    if (colon <= 0) fail('--user must be NAME:PASSWORD');
    return { username: pair.slice(0, colon), password: pair.slice(colon + 1) };
  });
  if (file) {
    let parsed;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      fail(`cannot read users file ${file}: ${error.message}`);
    }
    entries = entries.concat(Array.isArray(parsed) ? parsed
      : Object.entries(parsed).map(([username, password]) => ({ username, password })));
  }
  if (entries.length === 0) fail('no accounts: pass --user NAME:PASSWORD or --users-file FILE');
  const result = new Map();
  for (const e of entries) {
    if (typeof e.username !== 'string' || !e.username || typeof e.password !== 'string' || !e.password) {
      fail('every account needs a non-empty username and password');
    }
    result.set(e.username, {
      username: e.username,
      password: e.password,
      email: e.email ?? (e.username.includes('@') ? e.username : `${e.username}@example.test`),
      name: e.name ?? e.username,
    });
  }
  return result;
}

function configuration(s) {
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return {
    clients: [{
      client_id: s.clientId,
      client_secret: s.clientSecret,
      redirect_uris: s.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // oidc-provider accepts client_secret_post as well for a client registered with
      // client_secret_basic: both carry the same shared secret.
      token_endpoint_auth_method: 'client_secret_basic',
      // RFC 8252 §7.3: a native client's loopback redirect URIs match on any port.
      application_type: s.anyLoopbackPort ? 'native' : 'web',
    }],
    jwks: { keys: [{ ...signingKey, kid: `lab-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    scopes: ['openid', 'profile', 'email'],
    // Put the scope-requested claims in the ID token too, not only at userinfo, so a relying
    // party that reads the ID token alone sees email and name.
    conformIdTokenClaims: false,
    pkce: { required: () => s.pkceRequired },
    // Short lifetimes suit tests (and setting them silences oidc-provider's notices).
    ttl: {
      AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, IdToken: 3600, Interaction: 600, Session: 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign out</title></head><body>${form}
            <button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button></body></html>`;
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed out</title></head><body>Signed out</body></html>';
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = s.accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account.email,
          email_verified: true,
          name: account.name,
          preferred_username: account.username,
        }),
      };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>OpenID Provider error</title></head><body>
        <h1>OpenID Provider error</h1><p class="error">${esc(out.error)}: ${esc(out.error_description ?? '')}</p></body></html>`;
    },
  };
}

function logEvents(provider) {
  provider.on('server_error', (_ctx, error) => log(`server error: ${error.stack ?? error}`));
  for (const event of ['authorization.error', 'grant.error', 'discovery.error', 'userinfo.error', 'jwks.error']) {
    provider.on(event, (_ctx, error) => log(`${event}: ${error.message}${error.error_description ? ` (${error.error_description})` : ''}${error.error_detail ? `: ${error.error_detail}` : ''}`));
  }
  provider.on('grant.success', (ctx) => log(`tokens issued to ${ctx.oidc.client?.clientId}`));
}

const s = settings();
let oidc = null; // the provider's request handler, once the port (hence the issuer) is known
const server = createServer((req, res) => {
  // Paths only: query strings carry authorization codes and state.
  log(`${req.method} ${req.url.split('?')[0]}`);
  if (!oidc) return page(res, 503, 'Starting', '');
  if (interactionRoute(req)) {
    handleInteraction(oidc.provider, s.accounts, req, res, log).catch((error) => {
      log(`interaction failed: ${error.stack ?? error}`);
      if (!res.headersSent) page(res, 500, 'Sign-in failed', `<p class="error">${esc(error.message)}</p>`);
      else res.end();
    });
    return undefined;
  }
  return oidc.callback(req, res);
});
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${s.port}: ${error.message}`));
server.listen(s.port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  let provider;
  try {
    provider = new Provider(issuer, configuration(s));
  } catch (error) {
    fail(`invalid provider configuration: ${error.message}`);
  }
  logEvents(provider);
  oidc = { provider, callback: provider.callback() };
  log(`issuer ${issuer}, client ${s.clientId} (PKCE ${s.pkceRequired ? 'required' : 'optional'}), `
    + `redirect URIs ${s.redirectUris.join(' ')}, accounts ${[...s.accounts.keys()].join(' ')}`);
  process.stdout.write(`READY ${issuer}\n`);
});

function shutdown(reason) {
  log(`stopping: ${reason}`);
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.stdin.on('end', () => shutdown('stdin closed'));
process.stdin.on('error', () => shutdown('stdin failed'));
process.stdin.resume();
