// Browser check of the admin console's Realm settings → Auth API tab against a running stack.
//
//   KC_URL=http://localhost:8080 KC_ADMIN_PASSWORD=... node console-tab.mjs
//
// Uses the system Chromium (CHROMIUM, default /usr/bin/chromium) through playwright-core; no browser
// download. Exit code 0: every step passed; screenshots go to SCREENSHOT_DIR (default ./screenshots).
import { randomUUID } from "node:crypto";
import { admin, authApi, base, check, client, consoleLogin, launch, realm, shots } from "./lib.mjs";

const suffix = randomUUID().slice(0, 8);
const appClient = `console-app-${suffix}`;
const restClient = `rest-app-${suffix}`;
const ATTRIBUTE = "auth-api.allowed";

// --- the console -----------------------------------------------------------------------------------
const browser = await launch();
const started = Date.now();
let page;
try {
  // a public client with direct access grants, not allowed yet, and a user of the realm
  const created = await admin("POST", "/clients", {
    clientId: appClient, publicClient: true, directAccessGrantsEnabled: true, standardFlowEnabled: false,
  });
  check(created.status === 201, `client ${appClient} created through the admin API`);
  const email = `console-${suffix}@example.com`;
  const password = "velvet tractor harbour 91";
  const registered = await authApi("register", { email, password, username: `console-${suffix}` });
  check(registered.status === 201, "user registered through /auth/register");
  const login = () => authApi("login", { email, password, client_id: appClient });
  let reply = await login();
  check(reply.status === 400 && reply.json.error === "invalid_client", `before: /auth/login with client_id ${appClient} -> 400 invalid_client`);

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "en-US" });
  page = await context.newPage();
  await consoleLogin(page);

  const openTab = async () => {
    await page.goto(`${base}/admin/master/console/#/${realm}/realm-settings/general`);
    const tab = page.getByRole("tab", { name: "Auth API" });
    await tab.waitFor({ timeout: 60000 });
    check(true, "Realm settings shows the tab \"Auth API\"");
    await tab.click();
    await page.waitForURL(/realm-settings\/auth-api$/);
    const field = page.locator("textarea#allowedClients");
    await field.waitFor();
    return field;
  };
  const save = async (expectOk = true) => {
    // close the alerts of earlier saves, so that the one found is this save's
    for (const close of await page.locator(".pf-v5-c-alert__action button").all()) await close.click().catch(() => {});
    await page.getByTestId("save").click();
    const alert = page.locator(".pf-v5-c-alert").filter({ hasText: expectOk ? "Saved successfully" : "could not save" });
    await alert.first().waitFor({ timeout: 15000 });
    return (await alert.first().innerText()).trim();
  };
  const lines = async (field) => (await field.inputValue()).split("\n").map((l) => l.trim()).filter(Boolean);

  // the tab opens on the current attributes: realm-config marks auth-api
  let field = await openTab();
  const before = await lines(field);
  check(before.includes("auth-api"), `tab lists the clients allowed by attribute (${before.join(", ")})`);
  await page.locator("form .pf-v5-c-form__group-label button").first().click();
  const help = page.locator(".pf-v5-c-popover");
  await help.waitFor();
  check((await help.innerText()).includes("auth-api.allowed"), "the field's help explains the client attribute");
  await page.waitForTimeout(500); // the popover fades in
  await page.screenshot({ path: `${shots}/01-tab-opened-with-help.png`, fullPage: true });
  await page.keyboard.press("Escape");

  // mark the app's client allowed, save
  await field.fill([...before, appClient].join("\n"));
  await save();
  await page.screenshot({ path: `${shots}/02-client-marked-and-saved.png`, fullPage: true });
  check((await client(appClient)).attributes?.[ATTRIBUTE] === "true", `admin API: ${appClient} now has ${ATTRIBUTE}=true`);
  reply = await login();
  check(reply.status === 200, `/auth/login with client_id ${appClient} -> 200 (got ${reply.status})`);
  const azp = JSON.parse(Buffer.from(reply.json.token.access_token.split(".")[1], "base64url")).azp;
  check(azp === appClient, `the access token is issued for ${appClient}`);

  // an unknown client is refused with the reason, and nothing changes
  field = await openTab();
  check((await lines(field)).includes(appClient), "after a reload the tab still lists the client");
  await field.fill([...(await lines(field)), `no-such-client-${suffix}`].join("\n"));
  const error = await save(false);
  check(error.includes(`no-such-client-${suffix}`), `unknown client refused: "${error.replace(/\s+/g, " ")}"`);
  await page.screenshot({ path: `${shots}/03-unknown-client-refused.png`, fullPage: true });
  check((await client(appClient)).attributes?.[ATTRIBUTE] === "true", "the refused save changed nothing");

  // the attribute set elsewhere (admin REST API) shows in the tab
  const rest = await admin("POST", "/clients", {
    clientId: restClient, publicClient: true, directAccessGrantsEnabled: true, attributes: { [ATTRIBUTE]: "true" },
  });
  check(rest.status === 201, `client ${restClient} created through the admin API with ${ATTRIBUTE}=true`);
  field = await openTab();
  check((await lines(field)).includes(restClient), `tab shows ${restClient}, allowed through the admin API`);

  // unmark the app's client: removed from the list, saved -> attribute gone, the API refuses it again
  await field.fill((await lines(field)).filter((l) => l !== appClient).join("\n"));
  await save();
  await page.screenshot({ path: `${shots}/04-client-unmarked-and-saved.png`, fullPage: true });
  check(!((await client(appClient)).attributes ?? {})[ATTRIBUTE], `admin API: ${ATTRIBUTE} removed from ${appClient}`);
  check((await client(restClient)).attributes?.[ATTRIBUTE] === "true", `${restClient} stays allowed`);
  reply = await login();
  check(reply.status === 400 && reply.json.error === "invalid_client", `after: /auth/login with client_id ${appClient} -> 400 invalid_client`);

  // clean up what this run created
  for (const id of [appClient, restClient]) {
    await admin("DELETE", `/clients/${(await client(id)).id}`);
  }
  await admin("DELETE", `/users/${registered.json.user.uuid}`);
  field = await openTab();
  const after = await lines(field);
  check(!after.includes(restClient) && !after.includes(appClient), `deleted clients leave the list (${after.join(", ")})`);
  console.log(`all checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
} catch (e) {
  if (page) await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => {});
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
