// Browser check that a second factor is one factor on every login path, against a running stack:
// a TOTP factor enrolled through /auth is asked for by Keycloak's login page (code + PKCE), a recovery code from
// /auth works there through "Try another way", and a factor set up on Keycloak's own "Configure OTP" page is asked
// for by /auth/login and accepted by /auth/login/mfa.
//
//   KC_URL=http://localhost:8080 KC_ADMIN_PASSWORD=... CALLBACK_PORT=59998 node mfa-flow.mjs
//
// Exit code 0: every step passed; screenshots go to SCREENSHOT_DIR (default ./screenshots).
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { admin, authApi, base, check, launch, realm, shots } from "./lib.mjs";

const suffix = randomUUID().slice(0, 8);
const CLIENT_ID = "example-web-app";
const CALLBACK_PORT = Number(process.env.CALLBACK_PORT || 59998);
const REDIRECT_URI = `http://127.0.0.1:${CALLBACK_PORT}/callback`;
const password = "velvet tractor harbour 91";
const oidc = `${base}/realms/${realm}/protocol/openid-connect`;

function authorizationUrl() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const params = new URLSearchParams({
    client_id: CLIENT_ID, response_type: "code", scope: "openid", redirect_uri: REDIRECT_URI, state: randomUUID(),
    code_challenge: challenge, code_challenge_method: "S256",
  });
  return `${oidc}/auth?${params}`;
}

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** An authenticator app (RFC 6238, SHA-1, 6 digits, 30 s) that never gives a code twice (Keycloak refuses reuse). */
function authenticatorApp(key) {
  const given = new Set();
  const code = (step) => {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(step));
    const hash = createHmac("sha1", key).update(counter).digest();
    const offset = hash[hash.length - 1] & 0xf;
    return String((hash.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
  };
  return async function next() {
    for (let wait = 0; wait < 2; wait++) {
      const step = Math.floor(Date.now() / 30000);
      for (const candidate of [step, step + 1, step - 1]) {
        const c = code(candidate);
        if (!given.has(c)) {
          given.add(c);
          return c;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, (step + 1) * 30000 - Date.now() + 100));
    }
    throw new Error("no fresh code");
  };
}

async function submit(page) {
  await Promise.all([page.waitForLoadState(), page.locator("#kc-login, input[type=submit], button[type=submit]").first().click()]);
}

async function signInOnLoginPage(page, username) {
  await page.goto(authorizationUrl());
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(password);
  await submit(page);
}

async function reachedCallback(page) {
  await page.waitForURL((u) => u.toString().startsWith(REDIRECT_URI), { timeout: 30000 });
  return new URL(page.url()).searchParams.has("code");
}

const callback = createServer((req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<p>callback reached</p>"));
await new Promise((resolve) => callback.listen(CALLBACK_PORT, "127.0.0.1", resolve));
const browser = await launch();
try {
  // 1. enrolled through /auth, asked for by Keycloak's login page
  const username = `mfa-browser-${suffix}`;
  const registered = await authApi("register", { email: `${username}@example.com`, username, password });
  check(registered.status === 201, "user registered through /auth/register");
  const access = registered.json.token.access_token;
  const started = await authApi("mfa/totp", { label: "Phone" }, access);
  check(started.status === 200 && started.json.otpauth_uri.startsWith("otpauth://totp/"), "TOTP enrollment started through /auth");
  const app = authenticatorApp(base32Decode(started.json.secret));
  const confirmed = await authApi("mfa/totp/verify", { enrollment_token: started.json.enrollment_token, code: await app() }, access);
  check(confirmed.status === 201 && confirmed.json.recovery_codes.length === 12, "TOTP factor confirmed through /auth, 12 recovery codes");
  const recoveryCodes = confirmed.json.recovery_codes;

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const page = await context.newPage();
  await signInOnLoginPage(page, username);
  const otpField = page.locator("input[name=otp]");
  await otpField.waitFor({ timeout: 15000 });
  await page.screenshot({ path: `${shots}/mfa-01-otp-page.png`, fullPage: true });
  check(await otpField.isVisible(), "after the password, Keycloak's login page asks for the one-time code");
  await otpField.fill("000000");
  await submit(page);
  const wrongText = await page.locator("body").innerText();
  check(wrongText.includes("Invalid authenticator code"), "a wrong code is refused on the login page");
  await page.locator("input[name=otp]").fill(await app());
  await submit(page);
  check(await reachedCallback(page), "the code from the /auth-enrolled factor signs in on Keycloak's login page");
  await context.close();

  // 2. a recovery code from /auth on Keycloak's login page ("Try another way")
  const second = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const p2 = await second.newPage();
  await signInOnLoginPage(p2, username);
  await p2.locator("input[name=otp]").waitFor({ timeout: 15000 });
  await Promise.all([p2.waitForLoadState(), p2.locator("#try-another-way").click()]);
  await p2.screenshot({ path: `${shots}/mfa-02-select-authenticator.png`, fullPage: true });
  await Promise.all([p2.waitForLoadState(), p2.getByText(/Recovery Authentication Code/i).first().click()]);
  const recoveryField = p2.locator("input[name=recoveryCodeInput]");
  await recoveryField.waitFor({ timeout: 15000 });
  await p2.screenshot({ path: `${shots}/mfa-03-recovery-code.png`, fullPage: true });
  await recoveryField.fill(recoveryCodes[0]);
  await submit(p2);
  check(await reachedCallback(p2), "the first recovery code from /auth signs in on Keycloak's login page");
  const afterBrowser = await authApi("login", { email: username, password });
  check(afterBrowser.status === 401 && afterBrowser.json.recovery_code_number === 2,
    `/auth/login now asks for recovery code 2 (${afterBrowser.json.recovery_code_number})`);
  await second.close();

  // 3. set up on Keycloak's "Configure OTP" page, asked for by /auth/login
  const other = `mfa-page-${suffix}`;
  const registeredOther = await authApi("register", { email: `${other}@example.com`, username: other, password });
  check(registeredOther.status === 201, "a second user registered through /auth/register");
  const userId = registeredOther.json.user.uuid;
  const updated = await admin("PUT", `/users/${userId}`, { requiredActions: ["CONFIGURE_TOTP"] });
  check(updated.status === 204, "the admin asks the second user to configure OTP (required action)");
  const third = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  const p3 = await third.newPage();
  await signInOnLoginPage(p3, other);
  const secretField = p3.locator("#totpSecret");
  await secretField.waitFor({ state: "attached", timeout: 15000 });
  await p3.screenshot({ path: `${shots}/mfa-04-configure-otp.png`, fullPage: true });
  const pageApp = authenticatorApp(Buffer.from(await secretField.getAttribute("value"), "utf8"));
  await p3.locator("#totp").fill(await pageApp());
  await p3.locator("#userLabel").fill("Page phone");
  await Promise.all([p3.waitForLoadState(), p3.locator("#saveTOTPBtn").click()]);
  check(await reachedCallback(p3), "OTP configured on Keycloak's page, the login finished");
  await third.close();

  const first = await authApi("login", { email: other, password });
  check(first.status === 401 && first.json.error === "mfa_required", `/auth/login asks the page-enrolled user for a code (${first.json.error})`);
  const finished = await authApi("login/mfa", { mfa_token: first.json.mfa_token, code: await pageApp() });
  check(finished.status === 200 && finished.json.user.uuid === userId, `/auth/login/mfa accepts the page-enrolled factor (${finished.status})`);
  const factors = await fetch(`${base}/realms/${realm}/auth/mfa/factors`,
    { headers: { Authorization: `Bearer ${finished.json.token.access_token}` } }).then((r) => r.json());
  check(factors.factors.length === 1 && factors.factors[0].label === "Page phone", "GET /auth/mfa/factors lists it with its label");
} finally {
  await browser.close();
  callback.close();
}
