// Browser end-to-end tests of the built site (dist/), in Debian's Chromium
// driven by playwright-core (which never downloads a browser).
//
//   node tests/e2e/run.mjs [DIST_DIR [BASE_PATH]]   (CHROMIUM=/path/to/chromium optional,
//                                                   E2E_GREP=text: only tests whose name contains it)
//
// BASE_PATH is the path the site was built for (`--public-url`, default /).
// Starts a static server on 127.0.0.1 (random port) that serves DIST_DIR
// under BASE_PATH, runs the tests, prints
// "N passed, M failed" and exits non-zero on any failure. Screenshots go to
// tests/e2e/screenshots/ (gitignored).

import { createServer } from "node:http";
import { readFile, stat, mkdir, mkdtemp, rm } from "node:fs/promises";
import { execSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, extname, resolve, normalize, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const dist = resolve(process.argv[2] ?? join(here, "..", "..", "dist"));
const base = ((p) => (p.endsWith("/") ? p : p + "/"))(process.argv[3] ?? "/");
const shots = join(here, "screenshots");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

function startServer(root) {
  const server = createServer(async (req, res) => {
    try {
      const full = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (!full.startsWith(base)) throw new Error("outside the base path");
      const path = "/" + full.slice(base.length);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) throw new Error("outside");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  return execSync("command -v chromium || command -v chromium-browser", { shell: "/bin/sh" })
    .toString().trim().split("\n")[0];
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ---------------------------------------------------------------- tests

test("page loads without console errors and the loading indicator goes away", async ({ page, problems }) => {
  await page.waitForSelector("#virtual-clock", { timeout: 30_000 });
  await page.waitForSelector("#loading", { state: "detached", timeout: 10_000 });
  assert(await page.title() === "Kubarium", `title is ${await page.title()}`);
  // Empty lists render gracefully (the skeleton engine has no objects).
  const nodes = await page.locator("#nodes, #no-nodes").count();
  assert(nodes === 1, "neither a node table nor the empty-state text is shown");
  await page.waitForTimeout(300);
  assert(problems.length === 0, `console errors:\n  ${problems.join("\n  ")}`);
});

test("virtual clock advances in real time", async ({ page }) => {
  const clock = page.locator("#virtual-clock");
  await clock.waitFor({ timeout: 30_000 });
  const first = await clock.getAttribute("datetime");
  assert(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(first), `clock shows ${first}`);
  await page.waitForFunction(
    (t) => document.querySelector("#virtual-clock")?.getAttribute("datetime") !== t,
    first,
    { timeout: 5_000 },
  );
  const second = await clock.getAttribute("datetime");
  assert(Date.parse(second) > Date.parse(first), `clock went from ${first} to ${second}`);
});

test("a kubectl command is echoed with its output, as text", async ({ page, problems }) => {
  const input = page.locator("#command");
  await input.waitFor({ timeout: 30_000 });
  await input.fill("kubectl version");
  await input.press("Enter");
  const echo = page.locator(".term-command", { hasText: "$ kubectl version" });
  await echo.waitFor({ timeout: 5_000 });
  assert(await input.inputValue() === "", "the input is not cleared after Enter");
  // Markup typed by the user stays text.
  await input.fill("kubectl get pods <b id=injected>x</b>");
  await input.press("Enter");
  await page.locator(".term-command", { hasText: "<b id=injected>" }).waitFor({ timeout: 5_000 });
  assert(await page.locator("#injected").count() === 0, "terminal output was rendered as HTML");
  // Arrow-up recalls the previous command.
  await input.press("ArrowUp");
  assert((await input.inputValue()).startsWith("kubectl get pods"), "ArrowUp did not recall history");
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, "playground.png"), fullPage: true });
  assert(problems.length === 0, `console errors:\n  ${problems.join("\n  ")}`);
});

test("dark color scheme renders", async ({ page, problems }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForSelector("#virtual-clock", { timeout: 30_000 });
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg === "rgb(13, 17, 23)", `dark background is ${bg}`);
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, "playground-dark.png"), fullPage: true });
  assert(problems.length === 0, `console errors:\n  ${problems.join("\n  ")}`);
});

(await import("./shell.mjs")).default({ test, assert, shots, dist });
(await import("./views.mjs")).register({ test, assert, shots, base });

// ---------------------------------------------------------------- runner

async function main() {
  try {
    await stat(join(dist, "index.html"));
  } catch {
    console.error(`e2e: ${dist}/index.html not found: build first (cargo xtask build)`);
    process.exit(2);
  }
  const server = await startServer(dist);
  const url = `http://127.0.0.1:${server.address().port}${base}`;
  console.log(`e2e: ${dist} at ${url}`);
  const userDataDir = await mkdtemp(join(tmpdir(), "kubarium-e2e-"));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-first-run", "--disable-quic",
    ],
  });
  let passed = 0;
  let failed = 0;
  try {
    // E2E_GREP=text runs only the tests whose name contains it (while working on them).
    const only = process.env.E2E_GREP;
    for (const t of tests.filter((t) => !only || t.name.includes(only))) {
      const page = await browser.newPage();
      const problems = [];
      const warnings = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`error: ${m.text()}`);
        // Warnings are shown, not fatal: Chromium's wording and timing-based
        // warnings (e.g. unused preloads on a slow machine) would make CI flaky.
        if (m.type() === "warning") warnings.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
      // ERR_ABORTED is a request the page itself cancelled (a reload while
      // the favicon was still loading), not a failure; anything else is.
      page.on("requestfailed", (r) => {
        const why = r.failure()?.errorText ?? "";
        if (why !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()} ${why}`);
      });
      page.on("response", (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      const started = Date.now();
      try {
        await page.goto(url, { waitUntil: "load" });
        await t.fn({ page, problems });
        passed++;
        console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}\n     ${String(e.message ?? e).split("\n").join("\n     ")}`);
        if (problems.length) console.log(`     browser console:\n       ${problems.join("\n       ")}`);
        await mkdir(shots, { recursive: true });
        await page.screenshot({ path: join(shots, `failed-${passed + failed}.png`) }).catch(() => {});
      } finally {
        for (const w of new Set(warnings)) console.log(`     browser warning: ${w}`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`e2e: ${e.stack ?? e}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
