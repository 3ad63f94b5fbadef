// End-to-end tests in a real headless Chromium against the real server.
// Usage: E2E_BASE_URL=http://127.0.0.1:3000 node e2e.mjs
// Every page visited is checked with axe-core (zero violations allowed).
import { chromium } from 'playwright-core';
import { readFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = 'demo-wachtwoord';
const RUN = Date.now().toString(36);
const NEW_USER = `e2e.${RUN}`;
const NEW_TEAM = `Team E2E ${RUN}`;
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

let passed = 0;
let failed = 0;
const results = [];

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed += 1;
    results.push(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failed += 1;
    results.push(`FAIL ${name}: ${err.message}`);
    const safe = name.replace(/[^a-z0-9]+/gi, '-');
    await page.screenshot({ path: join(artifacts, `${safe}.png`), fullPage: true }).catch(() => {});
  }
}

async function goto(path) {
  // The server may still be starting: retry the first connection.
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await page.goto(BASE + path, { waitUntil: 'load' });
    } catch (err) {
      if (attempt > 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function hydrated() {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20000 });
}

async function axe(label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  assert(violations.length === 0, `axe on ${label}: ${violations.join('; ')}`);
  axePages.add(label);
}

async function signIn(username) {
  await goto('/inloggen');
  await hydrated();
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(BASE + '/');
  await hydrated();
}

async function signOut() {
  await page.getByRole('button', { name: 'Uitloggen' }).click();
  await page.waitForURL(BASE + '/inloggen');
  await hydrated();
}

const axePages = new Set();
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'doorbraak-e2e-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  locale: 'nl-NL',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? (await context.newPage());
const consoleErrors = [];
page.on('pageerror', (err) => consoleErrors.push(err.message));
page.on('console', (msg) => {
  // A panic in the wasm is logged by console_error_panic_hook before it aborts.
  if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text().slice(0, 2000));
});

await test('sign-in page hydrates and its password toggle works', async () => {
  await goto('/inloggen');
  await hydrated();
  const password = page.getByLabel('Wachtwoord', { exact: true });
  assert((await password.getAttribute('type')) === 'password', 'password starts hidden');
  await page.getByLabel('Wachtwoord tonen').check();
  assert((await password.getAttribute('type')) === 'text', 'the toggle shows the password (needs hydration)');
  await page.getByLabel('Wachtwoord tonen').uncheck();
  await axe('/inloggen');
});

await test('empty and wrong sign-ins get a Dutch message where the user is', async () => {
  await goto('/inloggen');
  await hydrated();
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByText('Vul uw gebruikersnaam in.').waitFor();
  const described = await page.getByLabel('Gebruikersnaam').getAttribute('aria-describedby');
  assert(described === 'veld-username-fout', `error is tied to the field (aria-describedby=${described})`);
  await axe('/inloggen (met fout)');
  await page.getByLabel('Gebruikersnaam').fill('beheer');
  await page.getByLabel('Wachtwoord', { exact: true }).fill('verkeerd-wachtwoord');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByText('Onbekende gebruikersnaam of onjuist wachtwoord.').waitFor();
  assert(page.url() === BASE + '/inloggen', 'still on the sign-in page');
});

await test('the administrator signs in and reaches the start page', async () => {
  await signIn('beheer');
  await page.getByRole('heading', { level: 1, name: 'Welkom, Fatima Functioneel beheer' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Functioneel beheer' }).waitFor();
  await page.getByText('Gemeente Voorbeeld').first().waitFor();
  await axe('/ (beheer)');
});

await test('the administrator creates a user with a role and a team', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Gebruikers' }).click();
  await page.getByRole('heading', { level: 1, name: 'Gebruikers' }).waitFor();
  await page.getByRole('cell', { name: 'teamleider', exact: true }).waitFor();
  await axe('/beheer/gebruikers');
  const form = page.getByRole('form', { name: 'Nieuwe gebruiker' });
  await form.getByLabel('Gebruikersnaam').fill(NEW_USER);
  await form.getByLabel('Naam', { exact: true }).fill('Eva Tester');
  await form.getByLabel('Wachtwoord').fill('kort');
  await form.getByLabel('Doorbraakprofessional').check();
  await form.getByLabel('Team Noord').check();
  await form.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
  await form.getByText('Een wachtwoord heeft minstens 12 tekens.').waitFor();
  await axe('/beheer/gebruikers (met fout)');
  await form.getByLabel('Wachtwoord').fill('een-lang-wachtwoord');
  await form.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
  await page.getByText('De gebruiker is aangemaakt.').waitFor();
  await page.getByRole('cell', { name: NEW_USER }).waitFor();
});

await test('the administrator edits a user and sees the edit page', async () => {
  await page.getByRole('link', { name: NEW_USER }).click();
  await page.getByRole('heading', { level: 1, name: `Gebruiker ${NEW_USER}` }).waitFor();
  await hydrated();
  await axe('/beheer/gebruikers/:id');
  await page.getByLabel('Naam', { exact: true }).fill('Eva Tester-Jansen');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await page.getByText('De wijzigingen zijn opgeslagen.').waitFor();
});

await test('the administrator adds a team', async () => {
  await goto('/beheer/teams');
  await hydrated();
  await page.getByRole('heading', { level: 1, name: 'Teams' }).waitFor();
  await axe('/beheer/teams');
  await page.getByLabel('Naam van het team').fill(NEW_TEAM);
  await page.getByRole('button', { name: 'Team toevoegen' }).click();
  await page.getByRole('cell', { name: NEW_TEAM, exact: true }).waitFor();
});

await test('the audit trail shows what happened and filters it', async () => {
  await goto('/beheer/audit');
  await hydrated();
  await page.getByRole('cell', { name: 'user_created' }).first().waitFor();
  await page.getByRole('cell', { name: 'login_failed' }).first().waitFor();
  await axe('/beheer/audit');
  await page.getByLabel('Handeling').selectOption('team_created');
  await page.getByRole('button', { name: 'Filteren' }).click();
  await page.waitForURL(/action=team_created/);
  await page.getByRole('cell', { name: 'team_created' }).first().waitFor();
  const others = await page.getByRole('cell', { name: 'user_created' }).count();
  assert(others === 0, 'the filter leaves out other actions');
});

await test('signing out ends the session', async () => {
  await goto('/');
  await hydrated();
  await signOut();
  await goto('/beheer/gebruikers');
  await page.waitForURL(BASE + '/inloggen');
});

await test('a professional reaches their own start page and is refused administration', async () => {
  await signIn('professional');
  await page.getByRole('heading', { level: 2, name: 'Doorbraakprofessional' }).waitFor();
  const adminLinks = await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Gebruikers' }).count();
  assert(adminLinks === 0, 'no administration in the menu');
  await axe('/ (professional)');
  await goto('/beheer/gebruikers');
  await page.getByRole('heading', { level: 1, name: 'Geen toegang' }).waitFor();
  const table = await page.getByRole('table').count();
  assert(table === 0, 'nothing of the page is shown');
  await axe('/beheer/gebruikers (geen toegang)');
  await goto('/');
  await hydrated();
  await signOut();
});

await test('every demo role reaches its start page', async () => {
  for (const [username, heading] of [['teamleider', 'Teamleider / projectleider / manager'], ['backoffice', 'Backoffice financiën'],
    ['budgethouder', 'Budgethouder'], ['wethouder', 'Wethouder / management']]) {
    await signIn(username);
    await page.getByRole('heading', { level: 2, name: heading }).waitFor();
    await signOut();
  }
});

await test('no script errors in the browser', async () => {
  assert(consoleErrors.length === 0, consoleErrors.join(' | '));
});

await context.close();
for (const line of results) console.log(line);
console.log(`axe checked ${axePages.size} page states: ${[...axePages].join(', ')}`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
