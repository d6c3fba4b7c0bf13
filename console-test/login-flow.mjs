// Browser check of Keycloak's own login pages under the bundle's policies, against a running stack:
// code + PKCE for the confidential example client, the login rate limit on the login page, a listed password
// refused on the registration page, a logout through /auth ending the browser's SSO session, and the flow
// editor showing the bundle's authenticators.
//
//   KC_URL=http://localhost:8080 KC_ADMIN_PASSWORD=... node login-flow.mjs
//
// Exit code 0: every step passed; screenshots go to SCREENSHOT_DIR (default ./screenshots).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { admin, authApi, base, check, client, consoleLogin, launch, realm, shots } from "./lib.mjs";

const suffix = randomUUID().slice(0, 8);
const CLIENT_ID = "example-web-app";
// the app's callback: a tiny local server stands in for it (the code is read from the browser's URL)
const CALLBACK_PORT = Number(process.env.CALLBACK_PORT || 59999);
const REDIRECT_URI = `http://127.0.0.1:${CALLBACK_PORT}/callback`;
const password = "velvet tractor harbour 91";
const oidc = `${base}/realms/${realm}/protocol/openid-connect`;

function authorizationUrl(extra = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const params = new URLSearchParams({
    client_id: CLIENT_ID, response_type: "code", scope: "openid", redirect_uri: REDIRECT_URI, state: randomUUID(),
    code_challenge: challenge, code_challenge_method: "S256", ...extra,
  });
  return { url: `${oidc}/auth?${params}`, verifier };
}

async function withRealm(changes, restore, body) {
  const r = await admin("PUT", "", changes);
  check(r.status === 204, `realm updated: ${JSON.stringify(changes)}`);
  try {
    return await body();
  } finally {
    await admin("PUT", "", restore);
  }
}

const callback = createServer((req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<p>callback reached</p>"));
await new Promise((resolve) => callback.listen(CALLBACK_PORT, "127.0.0.1", resolve));
const browser = await launch();
const started = Date.now();
try {
  const webClient = await client(CLIENT_ID);
  check(webClient && !webClient.publicClient, `${CLIENT_ID} is a confidential client of realm ${realm}`);
  const secret = (await admin("GET", `/clients/${webClient.id}/client-secret`)).json.value;
  const username = `browser-${suffix}`;
  const email = `${username}@example.com`;
  const registered = await authApi("register", { email, username, password });
  check(registered.status === 201, "user registered through /auth/register");

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const page = await context.newPage();

  // 1. code + PKCE on Keycloak's login page, code exchanged with the client secret, userinfo
  const first = authorizationUrl();
  await page.goto(first.url);
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await page.screenshot({ path: `${shots}/login-01-form.png`, fullPage: true });
  await page.locator("#kc-login").click();
  await page.waitForURL((u) => u.toString().startsWith(REDIRECT_URI), { timeout: 30000 });
  const code = new URL(page.url()).searchParams.get("code");
  check(!!code, "the login page redirected back with a code");
  const tokenReply = await fetch(`${oidc}/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: first.verifier,
      client_id: CLIENT_ID, client_secret: secret,
    }),
  });
  check(tokenReply.status === 200, `code exchanged at the token endpoint (${tokenReply.status})`);
  const tokens = await tokenReply.json();
  const userinfo = await fetch(`${oidc}/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  const info = await userinfo.json();
  check(userinfo.status === 200 && info.email === email, `userinfo answers the user (${info.email})`);
  const replay = await fetch(`${oidc}/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI,
      code_verifier: first.verifier, client_id: CLIENT_ID, client_secret: secret }),
  });
  check(replay.status === 400, "the code works once");

  // 2. the SSO session answers prompt=none; a logout through /auth (scope all) ends it
  const silent = authorizationUrl({ prompt: "none" });
  await page.goto(silent.url);
  await page.waitForURL((u) => u.toString().startsWith(REDIRECT_URI));
  check(new URL(page.url()).searchParams.has("code"), "before the logout, prompt=none signs in silently");
  const apiLogin = await authApi("login", { email, password });
  check(apiLogin.status === 200, "the same user signs in through /auth/login");
  const logout = await authApi("logout", { scope: "all" }, apiLogin.json.token.access_token);
  check(logout.status === 200, "/auth/logout with scope all -> 200");
  await page.goto(authorizationUrl({ prompt: "none" }).url);
  await page.waitForURL((u) => u.toString().startsWith(REDIRECT_URI));
  const after = new URL(page.url()).searchParams;
  check(after.get("error") === "login_required" && !after.has("code"),
    `after the /auth logout, prompt=none answers ${after.get("error")}`);
  const stale = await fetch(`${oidc}/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  check(stale.status === 401, "the code flow's access token is refused by userinfo after the logout");

  // 3. the login rate limit on the login page, in the realm's theme
  await withRealm({ attributes: { "auth-api.rate-limits": "login.account=2/10m" } },
    { attributes: { "auth-api.rate-limits": "" } }, async () => {
      const guessed = `nobody-${suffix}@example.com`;
      const fresh = await browser.newContext({ locale: "en-US" });
      const p = await fresh.newPage();
      await p.goto(authorizationUrl().url);
      let status = 0;
      for (let i = 1; i <= 3; i++) {
        await p.locator("#username").fill(guessed);
        await p.locator("#password").fill(`wrong password ${i}`);
        const [response] = await Promise.all([
          p.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("login-actions/authenticate")),
          p.locator("#kc-login").click(),
        ]);
        status = response.status();
        await p.waitForLoadState();
      }
      const text = await p.locator("body").innerText();
      await p.screenshot({ path: `${shots}/login-02-rate-limited.png`, fullPage: true });
      check(status === 429 && text.includes("Too many sign-in attempts"),
        `the third attempt is refused with the rate-limit message (HTTP ${status})`);
      await fresh.close();
    });

  // 4. a listed password on Keycloak's registration page
  await withRealm({ registrationAllowed: true }, { registrationAllowed: false }, async () => {
    const fresh = await browser.newContext({ locale: "en-US" });
    const p = await fresh.newPage();
    // the registration entry point takes the same authorization request (PKCE included) as the login page
    await p.goto(authorizationUrl().url.replace(`${oidc}/auth?`, `${oidc}/registrations?`));
    await p.locator("#username").fill(`listed-${suffix}`);
    await p.locator("#email").fill(`listed-${suffix}@example.com`);
    await p.locator("#password").fill("Password123");
    await p.locator("#password-confirm").fill("Password123");
    await p.locator("input[type=submit], button[type=submit]").first().click();
    await p.waitForLoadState();
    const text = await p.locator("body").innerText();
    await p.screenshot({ path: `${shots}/login-03-listed-password-refused.png`, fullPage: true });
    check(text.includes("Invalid password: password is not allowed."), "the registration page refuses a listed password");
    const users = await admin("GET", `/users?username=listed-${suffix}&exact=true`);
    check(users.json.length === 0, "no account was created");
    await fresh.close();
  });

  // 5. the flow editor shows the bundle's authenticators
  const consoleContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "en-US" });
  const consolePage = await consoleContext.newPage();
  await consoleLogin(consolePage);
  await consolePage.goto(`${base}/admin/master/console/#/${realm}/authentication`);
  await consolePage.getByRole("link", { name: "app browser", exact: true }).click();
  const step = consolePage.getByText("App Auth: Username Password Form (rate-limited)").first();
  await step.waitFor({ timeout: 60000 });
  await consolePage.getByText("App Auth: verified email (browser)").first().waitFor();
  await consolePage.screenshot({ path: `${shots}/login-04-flow-editor.png`, fullPage: true });
  check(true, "the flow editor shows the rate-limited form and the verified-email step in 'app browser'");
  await consoleContext.close();

  await admin("DELETE", `/users/${registered.json.user.uuid}`);
  console.log(`all checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
} catch (e) {
  for (const [i, open] of browser.contexts().flatMap((c) => c.pages()).entries()) {
    await open.screenshot({ path: `${shots}/login-failure-${i}.png`, fullPage: true }).catch(() => {});
  }
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
  callback.close();
}
