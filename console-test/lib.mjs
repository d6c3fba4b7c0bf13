// What the browser checks share: the environment, the admin REST API, the /auth API and the browser launch.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

export const base = (process.env.KC_URL || "http://localhost:8080").replace(/\/$/, "");
export const adminUser = process.env.KC_ADMIN_USER || "admin";
export const adminPassword = process.env.KC_ADMIN_PASSWORD;
export const realm = process.env.KC_REALM || "app";
export const shots = process.env.SCREENSHOT_DIR || new URL("./screenshots", import.meta.url).pathname;
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!adminPassword) {
  console.error("KC_ADMIN_PASSWORD is not set");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

export function check(condition, message) {
  if (!condition) throw new Error(`FAILED: ${message}`);
  console.log(`ok - ${message}`);
}

export async function adminToken() {
  const r = await fetch(`${base}/realms/master/protocol/openid-connect/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "password", client_id: "admin-cli", username: adminUser, password: adminPassword }),
  });
  if (r.status !== 200) throw new Error(`admin login: ${r.status} ${await r.text()}`);
  return (await r.json()).access_token;
}

/** An admin REST call under /admin/realms/{realm}. */
export async function admin(method, path, body) {
  const r = await fetch(`${base}/admin/realms/${realm}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await adminToken()}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

export async function client(clientId) {
  const r = await admin("GET", `/clients?clientId=${encodeURIComponent(clientId)}`);
  return r.json[0];
}

/** A POST to /realms/{realm}/auth/{path}, with a Bearer token if given. */
export async function authApi(path, body, accessToken) {
  const r = await fetch(`${base}/realms/${realm}/auth/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

export function launch() {
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run",
      "--disable-component-update", "--disable-sync"],
  });
}

/** Signs the master realm's admin in on the admin console's login page. */
export async function consoleLogin(page) {
  await page.goto(`${base}/admin/master/console/`);
  await page.locator("#username").fill(adminUser);
  await page.locator("#password").fill(adminPassword);
  await page.locator("#kc-login").click();
}
