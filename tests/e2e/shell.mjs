// Browser checks of the app shell: terminal, time controls, keeping,
// sharing, embedding, editor, small screens. Registered by run.mjs:
//   (await import("./shell.mjs")).default({ test, assert, shots, dist });
// Each test gets a fresh page at the site's URL; the browser context (and so
// localStorage) is shared by all tests, so each starts from a clean storage.

import { createServer } from "node:http";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";

const KEY = "kubarium.session.v1";

export default function register({ test, assert, shots, dist }) {
  const shot = async (page, name, opts = {}) => {
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true, ...opts });
  };
  const fresh = async (page) => {
    await page.waitForSelector("#virtual-clock", { timeout: 30_000 });
    await page.evaluate(() => localStorage.clear());
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector("#command", { timeout: 30_000 });
  };
  const type = async (page, line) => {
    const input = page.locator("#command");
    await input.fill(line);
    await input.press("Enter");
  };
  const clock = (page) => page.locator("#virtual-clock").getAttribute("datetime");
  const noProblems = (problems) =>
    assert(problems.length === 0, `console errors:\n  ${problems.join("\n  ")}`);
  // Pods as the cluster view draws them: node, name, kubectl STATUS.
  const podNames = (page) =>
    page.$$eval(".pod-chip", (chips) =>
      chips.map((c) => `${c.closest("[data-node]")?.dataset.node ?? "-"} ${c.dataset.pod} ${c.dataset.status}`).sort());

  test("shell: interactive time (first paint to a usable terminal)", async ({ page, problems }) => {
    await fresh(page);
    await page.goto(page.url(), { waitUntil: "commit" });
    const t = await page.evaluate(() => new Promise((resolve) => {
      const check = () => (document.querySelector("#command") ? resolve(performance.now()) : requestAnimationFrame(check));
      check();
    }));
    console.log(`     time to interactive: ${Math.round(t)} ms`);
    assert(t < 5_000, `interactive after ${t} ms`);
    noProblems(problems);
  });

  test("shell: terminal history, tab completion, heredoc, Ctrl-C, clear", async ({ page, problems }) => {
    await fresh(page);
    const input = page.locator("#command");
    await type(page, "kubectl create deployment web --image=nginx --replicas=3");
    await page.locator(".term-stdout", { hasText: "deployment.apps/web created" }).waitFor({ timeout: 5_000 });
    // Tab completes resource types and live object names.
    await input.fill("kubectl get deploy");
    await input.press("Tab");
    assert(await input.inputValue() === "kubectl get deployments ", `Tab gave "${await input.inputValue()}"`);
    await input.pressSequentially("w");
    await input.press("Tab");
    assert(await input.inputValue() === "kubectl get deployments web ", `Tab gave "${await input.inputValue()}"`);
    // Several candidates are listed.
    await input.fill("kubectl c");
    await input.press("Tab");
    await page.locator("#completions", { hasText: "create" }).waitFor({ timeout: 2_000 });
    // A heredoc typed line by line.
    for (const l of ["kubectl apply -f - <<EOF", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: cfg"]) {
      await type(page, l);
    }
    await page.locator("#terminal-pending", { hasText: "kind: ConfigMap" }).waitFor({ timeout: 2_000 });
    assert((await page.locator(".term-input .prompt").textContent()) === ">", "heredoc prompt is not >");
    await type(page, "EOF");
    await page.locator(".term-stdout", { hasText: "configmap/cfg created" }).waitFor({ timeout: 5_000 });
    // Ctrl-C abandons the line.
    await input.fill("kubectl get po");
    await input.press("Control+c");
    await page.locator(".term-command", { hasText: "kubectl get po^C" }).waitFor({ timeout: 2_000 });
    assert(await input.inputValue() === "", "Ctrl-C left the line");
    // History: ↑ recalls the heredoc's command, ↑ again the one before.
    await input.press("ArrowUp");
    assert(await input.inputValue() === "kubectl apply -f -", `↑ gave "${await input.inputValue()}"`);
    await input.press("ArrowUp");
    assert(await input.inputValue() === "kubectl create deployment web --image=nginx --replicas=3", `↑↑ gave "${await input.inputValue()}"`);
    await input.press("ArrowDown");
    await input.press("ArrowDown");
    assert(await input.inputValue() === "", "↓ past the end did not empty the line");
    // Errors keep kubectl's words.
    await type(page, "kubectl get pod nope");
    await page.locator(".term-stderr", { hasText: 'Error from server (NotFound): pods "nope" not found' }).waitFor({ timeout: 2_000 });
    await shot(page, "shell-terminal");
    // Ctrl-L and `clear` empty the screen.
    await input.press("Control+l");
    assert(await page.locator("#terminal-output .term-entry").count() === 0, "Ctrl-L did not clear");
    await type(page, "kubectl version --client");
    await type(page, "clear");
    assert(await page.locator("#terminal-output .term-entry").count() === 0, "clear did not clear");
    noProblems(problems);
  });

  test("shell: pause, step, speed, settle and rewind", async ({ page, problems }) => {
    await fresh(page);
    await page.click("#pause");
    const paused = await clock(page);
    await page.waitForTimeout(1_500);
    assert(await clock(page) === paused, "the clock moved while paused");
    await page.click("#step");
    await page.waitForFunction((t) => document.querySelector("#virtual-clock").getAttribute("datetime") !== t, paused, { timeout: 3_000 }).catch(() => {});
    // Steps may be under a second; step until the second changes.
    for (let i = 0; i < 50 && (await clock(page)) === paused; i++) await page.click("#step");
    assert(await clock(page) !== paused, "step did not advance the clock");
    await page.click("#speed-100");
    assert(await page.getAttribute("#speed-100", "aria-pressed") === "true", "100× not pressed");
    await page.click("#play");
    const before = Date.parse(await clock(page));
    await page.waitForTimeout(1_000);
    const after = Date.parse(await clock(page));
    assert(after - before >= 20_000, `at 100× one real second moved the clock ${after - before} ms`);
    await page.click("#pause");
    await type(page, "kubectl create deployment web --image=nginx --replicas=3");
    await page.click("#settle");
    await page.waitForFunction(() => document.querySelectorAll(".pod-chip[data-pod^='web-'][data-status='Running']").length === 3, null, { timeout: 5_000 });
    const settled = Date.parse(await clock(page));
    // Rewind to the start of the session: the deployment is gone.
    await page.evaluate(() => {
      const r = document.querySelector("#rewind-to");
      r.value = "0";
      r.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.click("#rewind");
    await page.waitForFunction((t) => Date.parse(document.querySelector("#virtual-clock").getAttribute("datetime")) < t, settled, { timeout: 5_000 });
    const names = await podNames(page);
    assert(names.length > 0 && !names.some((n) => n.includes(" web-")), `after rewind: ${names.join(", ")}`);
    assert(await page.locator("#terminal-output .term-entry").count() === 0, "rewind kept later commands");
    await shot(page, "shell-time");
    noProblems(problems);
  });

  test("shell: three running pods, kept across a reload", async ({ page, problems }) => {
    await fresh(page);
    await type(page, "kubectl create deployment web --image=nginx --replicas=3");
    await page.click("#settle");
    await page.waitForFunction(() => document.querySelectorAll(".pod-chip[data-pod^='web-'][data-status='Running']").length === 3, null, { timeout: 5_000 });
    await page.click("#pause");
    const pods = await podNames(page);
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector("#command", { timeout: 30_000 });
    await page.locator(".term-command", { hasText: "$ kubectl create deployment web" }).waitFor({ timeout: 5_000 });
    const again = await podNames(page);
    assert(JSON.stringify(again) === JSON.stringify(pods), `before reload:\n${pods.join("\n")}\nafter:\n${again.join("\n")}`);
    noProblems(problems);
  });

  test("shell: a share link reproduces the cluster in a fresh page", async ({ page, problems }) => {
    await fresh(page);
    await type(page, "kubectl create deployment web --image=nginx --replicas=2");
    await page.click("#settle");
    await type(page, "kubarium node stop node-2");
    await page.click("#pause");
    await page.click("#share");
    const link = await page.locator("#share-link").inputValue();
    assert(/#s=1\.[A-Za-z0-9_-]+$/.test(link), `link: ${link}`);
    const pods = await podNames(page);
    const clockThere = await clock(page);
    // Open it where nothing is kept (the paused page saves nothing more).
    await page.evaluate(() => localStorage.clear());
    const page2 = await page.context().newPage();
    await page2.goto(link, { waitUntil: "load" });
    await page2.waitForSelector("#command", { timeout: 30_000 });
    await page2.click("#pause");
    const pods2 = await podNames(page2);
    assert(JSON.stringify(pods2) === JSON.stringify(pods), `shared:\n${pods.join("\n")}\nopened:\n${pods2.join("\n")}`);
    assert(Date.parse(await clock(page2)) >= Date.parse(clockThere), "the opened session is behind the shared one");
    await page2.locator(".term-command", { hasText: "$ kubarium node stop node-2" }).waitFor({ timeout: 2_000 });
    assert(!page2.url().includes("#"), "the fragment stays in the address bar");
    await shot(page2, "shell-shared");
    await page2.close();
    noProblems(problems);
  });

  test("shell: a bad link and corrupt storage give a notice and a usable playground", async ({ page, problems }) => {
    await fresh(page);
    await type(page, "kubectl create deployment web --image=nginx");
    const base = page.url().split("#")[0];
    await page.goto(base + "#s=1.AAAAbroken", { waitUntil: "load" });
    // Same document: a link pasted into an open tab's address bar is a
    // fragment change, which the app answers by reloading.
    await page.locator("#notice", { hasText: "could not be opened" }).waitFor({ timeout: 30_000 });
    // The reload cut the first load short (an aborted favicon request): not a fault.
    problems.length = 0;
    assert(await page.locator(".term-entry").count() === 0, "a bad link did not give an empty playground");
    await shot(page, "shell-bad-link");
    await page.click("#notice button");
    assert(await page.locator("#notice").count() === 0, "the notice did not go away");
    assert(!page.url().includes("#"), "the bad fragment stays in the address bar");
    // The kept session was not overwritten by the empty playground.
    await page.waitForTimeout(2_500);
    await page.reload({ waitUntil: "load" });
    await page.locator(".term-command", { hasText: "$ kubectl create deployment web" }).waitFor({ timeout: 30_000 });
    await page.evaluate((k) => localStorage.setItem(k, "{not json"), KEY);
    await page.reload({ waitUntil: "load" });
    await page.locator("#notice", { hasText: "could not be restored" }).waitFor({ timeout: 30_000 });
    await type(page, "kubectl get nodes");
    await page.locator(".term-stdout", { hasText: "control-plane" }).waitFor({ timeout: 5_000 });
    await shot(page, "shell-corrupt-storage");
    // Reset starts clean.
    await page.click("#reset");
    assert(await page.locator(".term-entry").count() === 0, "reset kept the screen");
    noProblems(problems);
  });

  test("shell: the editor applies templates and points at errors", async ({ page, problems }) => {
    await fresh(page);
    await page.click("#tab-editor");
    await page.selectOption("#editor-template", "Deployment");
    assert((await page.locator("#editor").inputValue()).includes("kind: Deployment"), "template not inserted");
    await page.click("#editor-apply");
    await page.locator("#editor-result", { hasText: "deployment.apps/web created" }).waitFor({ timeout: 5_000 });
    const broken = (await page.locator("#editor").inputValue()).replace(/\n\s*image: nginx:1.27/, "");
    await page.locator("#editor").fill(broken.replace("name: web\nspec", "name: web2\nspec"));
    await page.click("#editor-apply");
    await page.locator("#editor-error-line", { hasText: "spec.template.spec.containers[0].image" }).waitFor({ timeout: 5_000 });
    await page.click("#editor-error-line");
    await shot(page, "shell-editor");
    // The text is kept across a reload.
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector("#editor", { timeout: 30_000 });
    assert((await page.locator("#editor").inputValue()).includes("name: web2"), "editor text lost on reload");
    await page.click("#editor-delete");
    await page.locator("#editor-result", { hasText: "not found" }).waitFor({ timeout: 5_000 });
    noProblems(problems);
  });

  test("shell: chaos buttons are logged inputs", async ({ page, problems }) => {
    await fresh(page);
    await page.click("#chaos summary");
    await page.selectOption("#chaos-node", "node-1");
    await page.click("#node-stop");
    await page.locator(".term-stdout", { hasText: 'node "node-1" stopped' }).waitFor({ timeout: 5_000 });
    await page.click("#node-start");
    await page.locator(".term-stdout", { hasText: 'node "node-1" started' }).waitFor({ timeout: 5_000 });
    await page.click("#container-kill");
    await page.locator(".term-command", { hasText: "kubarium container kill" }).waitFor({ timeout: 5_000 });
    noProblems(problems);
  });

  test("shell: embed mode posts ready, height and progress, and runs the parent's commands only", async ({ page, problems }) => {
    const base = page.url().split("#")[0].split("?")[0];
    const src = `${base}?embed=1&panels=terminal,cluster&scenario=deployment`;
    // A host page on the same server (Chromium refuses a local frame in an
    // about:blank page), with no CSP of its own.
    await page.route("**/embed-host.html", (route) => route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><body style="margin:0">
        <script>window.msgs = []; addEventListener("message", (e) => msgs.push(e.data));</script>
        <iframe id="f" src="${src}" style="width:360px;height:400px;border:0"></iframe></body>`,
    }));
    // Record the targetOrigin of every message the frame posts to its
    // parent (same origin here, so the frame may wrap the parent's method).
    await page.addInitScript(() => {
      if (window.parent === window) return;
      const host = window.parent;
      const real = host.postMessage;
      host.postMessage = function (m, origin) {
        (host.targets ||= []).push(origin);
        return real.call(host, m, origin);
      };
    });
    await page.goto(base + "embed-host.html", { waitUntil: "load" });
    problems.length = 0; // requests of the page we left, cut short
    await page.waitForFunction(() => msgs.some((m) => m.type === "ready"), null, { timeout: 30_000 });
    const targets = await page.evaluate(() => window.targets ?? []);
    const origin = await page.evaluate(() => location.origin);
    assert(targets.length > 0 && targets.every((t) => t === origin),
      `messages were posted to ${JSON.stringify(targets)}, not only to the parent's origin ${origin}`);
    await page.waitForFunction(() => msgs.some((m) => m.type === "height" && m.height > 200), null, { timeout: 5_000 });
    const frame = page.frame({ url: /embed=1/ });
    assert(frame, "no embed frame");
    assert(await frame.locator(".topbar").count() === 0, "embed shows the full top bar");
    assert(await frame.locator(".term-command", { hasText: "kubectl create deployment web" }).count() === 1, "scenario not loaded");
    // A message from the frame itself is not a command.
    await frame.evaluate(() => window.postMessage({ type: "run", command: "kubectl get nodes" }, "*"));
    await page.evaluate(() => document.querySelector("#f").contentWindow.postMessage({ type: "run", command: "kubectl get deployments" }, "*"));
    await page.waitForFunction(() => msgs.some((m) => m.type === "progress" && m.command === "kubectl get deployments"), null, { timeout: 5_000 });
    await frame.locator(".term-stdout", { hasText: "web" }).last().waitFor({ timeout: 2_000 });
    assert(!(await page.evaluate(() => msgs.some((m) => m.command === "kubectl get nodes"))), "ran a command not from the parent");
    const width = await frame.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `embed overflows 360 px: ${width}`);
    await page.setViewportSize({ width: 400, height: 900 });
    await page.evaluate(() => { const f = document.querySelector("#f"); const h = msgs.filter((m) => m.type === "height").pop().height; f.style.height = h + "px"; });
    await shot(page, "shell-embed");
    noProblems(problems);
  });

  test("shell: embedded in a page of another origin, messages reach that page", async ({ page, problems }) => {
    // The host page is served from another port: another origin. Messages
    // posted to the frame's own origin (or to any origin but the host's)
    // would never arrive. (Both on 127.0.0.1: Chromium blocks a frame on a
    // loopback address in a page it does not know to be local.)
    const frameUrl = new URL(page.url().split("#")[0].split("?")[0]);
    const src = `${frameUrl.href}?embed=1&panels=terminal`;
    const host = createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><body style="margin:0">
        <script>window.msgs = []; addEventListener("message", (e) => msgs.push({ origin: e.origin, ...e.data }));</script>
        <iframe id="f" src="${src}" style="width:360px;height:400px;border:0"></iframe></body>`);
    });
    await new Promise((ok) => host.listen(0, "127.0.0.1", ok));
    try {
      const hostOrigin = `http://127.0.0.1:${host.address().port}`;
      assert(hostOrigin !== frameUrl.origin, "the host page is on the frame's origin");
      await page.goto(`${hostOrigin}/lesson.html`, { waitUntil: "load" });
      problems.length = 0;
      await page.waitForFunction(() => msgs.some((m) => m.type === "ready"), null, { timeout: 30_000 });
      const from = await page.evaluate(() => [...new Set(msgs.map((m) => m.origin))]);
      assert(from.length === 1 && from[0] === frameUrl.origin, `messages came from ${from}`);
      await page.evaluate(() => document.querySelector("#f").contentWindow.postMessage({ type: "run", command: "kubectl get nodes" }, "*"));
      await page.waitForFunction(() => msgs.some((m) => m.type === "progress" && m.command === "kubectl get nodes"), null, { timeout: 5_000 });
      noProblems(problems);
    } finally {
      host.close();
    }
  });

  test("shell: one navigation: a single tab list with unique ids, keys, and the layout kept", async ({ page, problems }) => {
    await fresh(page);
    const ids = await page.$$eval("[id]", (els) => els.map((e) => e.id));
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert(dup.length === 0, `duplicate ids: ${[...new Set(dup)].join(", ")}`);
    assert(await page.locator("[role=tablist]").count() === 1, "more than one tab list");
    const tabs = page.locator("[role=tablist] [role=tab]");
    const names = await tabs.allInnerTexts();
    assert(names.join("|") === "Cluster|Timeline|Events|Workloads|Services|Ingress|Volumes", `tabs: ${names}`);
    const state = () => page.$$eval("[role=tab]", (ts) => ts.map((t) => {
      const panel = document.getElementById(t.getAttribute("aria-controls"));
      return { id: t.id, selected: t.getAttribute("aria-selected"), tabindex: t.tabIndex,
               panel: panel?.getAttribute("role"), labelledby: panel?.getAttribute("aria-labelledby") };
    }));
    const selected = async () => (await state()).filter((t) => t.selected === "true");
    let sel = await selected();
    assert(sel.length === 1 && sel[0].id === "tab-cluster" && sel[0].tabindex === 0, `selected: ${JSON.stringify(sel)}`);
    for (const t of await state()) {
      assert(t.panel === "tabpanel" && t.labelledby === "tab-cluster", `tab ${t.id}: ${JSON.stringify(t)}`);
      assert(t.selected === "true" || t.tabindex === -1, `unselected tab ${t.id} is in the Tab order`);
    }
    await page.locator("#nodes").waitFor({ timeout: 10_000 });
    // Keys: → Timeline, → Events, End Volumes, Home Cluster, ← wraps to Volumes.
    await page.focus("#tab-cluster");
    await page.keyboard.press("ArrowRight");
    await page.locator("#timeline").waitFor({ timeout: 5_000 });
    assert(await page.evaluate(() => document.activeElement.id) === "tab-timeline", "focus did not follow →");
    await page.keyboard.press("ArrowRight");
    await page.locator("#events-table, #no-events").first().waitFor({ timeout: 5_000 });
    await page.keyboard.press("End");
    await page.locator("#panel-volumes").waitFor({ timeout: 5_000 });
    await page.keyboard.press("Home");
    await page.locator("#nodes").waitFor({ timeout: 5_000 });
    await page.keyboard.press("ArrowLeft");
    assert(await page.evaluate(() => document.activeElement.id) === "tab-volumes", "← did not wrap to the last tab");
    // The tools are buttons beside the tab list, pressed when shown.
    assert(await page.getAttribute("#tab-terminal", "aria-pressed") === "true", "terminal not pressed");
    await page.click("#tab-editor");
    assert(await page.getAttribute("#tab-editor", "aria-pressed") === "true", "editor not pressed");
    // Pick Workloads; the choice and the view shown are kept across a reload.
    await page.click("#tab-workloads");
    await page.locator(".view-col .views").waitFor({ timeout: 5_000 });
    await page.waitForTimeout(300);
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector("#editor", { timeout: 30_000 });
    sel = await selected();
    assert(sel.length === 1 && sel[0].id === "tab-workloads" && sel[0].labelledby === "tab-workloads", `after reload: ${JSON.stringify(sel)}`);
    assert(await page.locator("#nodes").count() === 0, "the cluster view shows under the Workloads tab");
    await page.locator(".view-col [data-deployment='coredns']").waitFor({ timeout: 5_000 });
    await shot(page, "shell-nav-workloads");
    await page.evaluate(() => localStorage.clear());
    noProblems(problems);
  });

  test("shell: ?scenario= loads once; a reload keeps what was typed after it", async ({ page, problems }) => {
    await fresh(page);
    const base = page.url().split("#")[0].split("?")[0];
    await page.goto(`${base}?scenario=deployment&lang=en`, { waitUntil: "load" });
    problems.length = 0; // requests of the page we left, cut short
    await page.locator(".term-command", { hasText: "$ kubectl create deployment web" }).first().waitFor({ timeout: 30_000 });
    const url = new URL(page.url());
    assert(!url.searchParams.has("scenario"), `the scenario stays in the address bar: ${page.url()}`);
    assert(url.searchParams.get("lang") === "en", `other parameters were dropped: ${page.url()}`);
    const before = await page.locator(".term-command").count();
    await type(page, "kubectl get replicasets");
    await page.locator(".term-command", { hasText: "$ kubectl get replicasets" }).waitFor({ timeout: 5_000 });
    await page.reload({ waitUntil: "load" });
    await page.locator(".term-command", { hasText: "$ kubectl get replicasets" }).waitFor({ timeout: 30_000 });
    assert(await page.locator(".term-command").count() === before + 1, "the reload started the scenario over");
    // An unknown scenario gives a notice and leaves the kept session alone.
    await page.goto(`${base}?scenario=no-such-scenario`, { waitUntil: "load" });
    await page.locator("#notice", { hasText: "no scenario named" }).waitFor({ timeout: 30_000 });
    problems.length = 0;
    assert(!page.url().includes("scenario="), `the unknown scenario stays in the address bar: ${page.url()}`);
    await page.reload({ waitUntil: "load" });
    await page.locator(".term-command", { hasText: "$ kubectl get replicasets" }).waitFor({ timeout: 30_000 });
    await page.evaluate(() => localStorage.clear());
    noProblems(problems);
  });

  test("shell: the new-session form lists the shipped scenarios and starts one on N nodes, kept and shared", async ({ page, problems }) => {
    await fresh(page);
    await page.click("#new-session");
    assert(await page.getAttribute("#new-session", "aria-expanded") === "true", "the form's button is not expanded");
    assert(await page.evaluate(() => document.activeElement.id) === "new-scenario", "focus did not move into the form");
    // The picker lists exactly the transcripts shipped in dist/scenarios/.
    const files = (await readdir(join(dist, "scenarios"))).filter((f) => f.endsWith(".sh")).map((f) => f.slice(0, -3)).sort();
    const options = await page.$$eval("#new-scenario option", (os) => os.map((o) => o.value));
    assert(JSON.stringify(options) === JSON.stringify(["", ...files]), `picker: ${options} vs files ${files}`);
    await page.selectOption("#new-scenario", "node-failure");
    await page.locator("#new-scenario-summary", { hasText: "A node loses power" }).waitFor({ timeout: 2_000 });
    // Out of bounds: Start is disabled.
    await page.fill("#new-nodes", "0");
    assert(await page.isDisabled("#new-start"), "Start is enabled for 0 nodes");
    await page.fill("#new-nodes", "4");
    await shot(page, "shell-new-session");
    await page.click("#new-start");
    assert(await page.locator("#new-session-form").count() === 0, "the form stays open after Start");
    await page.locator(".term-command", { hasText: "$ kubarium node stop node-1" }).waitFor({ timeout: 30_000 });
    await page.click("#pause");
    for (const n of ["node-1", "node-2", "node-3", "node-4"]) {
      await page.locator(`[data-node='${n}']`).waitFor({ timeout: 5_000 });
    }
    assert(await page.locator("[data-node='node-5']").count() === 0, "a fifth worker");
    const pods = await podNames(page);
    // Kept across a reload, with its four workers.
    await page.reload({ waitUntil: "load" });
    await page.locator("[data-node='node-4']").waitFor({ timeout: 30_000 });
    await page.click("#pause");
    assert(JSON.stringify(await podNames(page)) === JSON.stringify(pods), "the reload changed the cluster");
    // A share link carries the shape.
    await page.click("#share");
    const link = await page.locator("#share-link").inputValue();
    await page.evaluate(() => localStorage.clear());
    const page2 = await page.context().newPage();
    await page2.goto(link, { waitUntil: "load" });
    await page2.locator("[data-node='node-4']").waitFor({ timeout: 30_000 });
    await page2.click("#pause");
    assert(JSON.stringify(await podNames(page2)) === JSON.stringify(pods), "the shared session differs");
    await page2.close();
    await page.evaluate(() => localStorage.clear());
    noProblems(problems);
  });

  test("shell: ?nodes=N starts a playground of N workers; a bad count gives a notice", async ({ page, problems }) => {
    await fresh(page);
    const base = page.url().split("#")[0].split("?")[0];
    await page.goto(`${base}?nodes=3`, { waitUntil: "load" });
    problems.length = 0; // requests of the page we left, cut short
    await page.locator("[data-node='node-3']").waitFor({ timeout: 30_000 });
    assert(await page.locator("[data-node='node-4']").count() === 0, "more than three workers");
    assert(!page.url().includes("nodes="), `nodes stays in the address bar: ${page.url()}`);
    await type(page, "kubectl get nodes --no-headers -o name");
    await page.locator(".term-stdout", { hasText: "node/node-3" }).waitFor({ timeout: 5_000 });
    // Kept: a reload shows the same three workers and the command.
    await page.reload({ waitUntil: "load" });
    await page.locator("[data-node='node-3']").waitFor({ timeout: 30_000 });
    await page.locator(".term-command", { hasText: "$ kubectl get nodes --no-headers -o name" }).waitFor({ timeout: 5_000 });
    await page.goto(`${base}?nodes=500`, { waitUntil: "load" });
    problems.length = 0;
    await page.locator("#notice", { hasText: "nodes=500" }).waitFor({ timeout: 30_000 });
    await page.locator("[data-node='node-3']").waitFor({ timeout: 5_000 }); // the kept session
    await page.evaluate(() => localStorage.clear());
    noProblems(problems);
  });

  test("shell: 360 px wide, light and dark, keyboard focus visible", async ({ page, problems }) => {
    await fresh(page);
    await page.setViewportSize({ width: 360, height: 740 });
    await type(page, "kubectl create deployment web --image=nginx --replicas=3");
    await page.click("#settle");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `page is ${width} px wide at 360`);
    // Long output lines wrap, as in a terminal: nothing is hidden to the right.
    await type(page, "echo " + "0123456789".repeat(12));
    await page.locator(".term-stdout", { hasText: "0123456789".repeat(12) }).waitFor({ timeout: 5_000 });
    await type(page, "kubectl get pods -A -o wide");
    await page.locator(".term-stdout", { hasText: "NOMINATED NODE" }).waitFor({ timeout: 5_000 });
    const term = await page.$eval("#terminal-output", (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert(term.scroll <= term.client, `the terminal scrolls sideways: ${JSON.stringify(term)}`);
    // One column: the terminal shows, the cluster does not, until picked.
    assert(await page.locator("#terminal-output").isVisible(), "terminal hidden at 360");
    assert(!(await page.locator(".view-col").isVisible()), "both columns show at 360");
    await shot(page, "shell-360-terminal");
    await page.click("#tab-cluster");
    assert(await page.locator(".view-col").isVisible(), "cluster not shown after picking it");
    await shot(page, "shell-360-cluster");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "shell-360-cluster-dark");
    // Keyboard: Tab leaves the (empty) terminal line for the next control,
    // which shows a focus outline; the skip link shows when focused.
    await page.focus("#command");
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => ({ tag: document.activeElement.tagName, text: document.activeElement.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }));
    assert(next.tag !== "INPUT" && next.outline !== "none", `after Tab: ${JSON.stringify(next)}`);
    await shot(page, "shell-360-focus-dark");
    await page.focus(".skip-link");
    const skip = await page.evaluate(() => document.querySelector(".skip-link").getBoundingClientRect().left);
    assert(skip >= 0, "the focused skip link is off screen");
    await page.setViewportSize({ width: 1280, height: 800 });
    await shot(page, "shell-wide-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await shot(page, "shell-wide-light");
    // Leave no kept session behind for the tests that follow.
    await page.evaluate(() => localStorage.clear());
    noProblems(problems);
  });
}
