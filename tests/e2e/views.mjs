// Browser tests of the views (cluster, details, pod flow, scheduler verdicts,
// events, timeline, workloads) and the 1,000-pod frame-time measurement.
// Registered by run.mjs, which serves dist/ and runs each test in a fresh page.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";

export function register({ test, assert, shots, base }) {
  async function kubectl(page, line) {
    const input = page.locator("#command");
    await input.waitFor({ timeout: 30_000 });
    await input.fill(line);
    await input.press("Enter");
    await page.locator(".term-command", { hasText: `$ ${line}` }).last().waitFor({ timeout: 5_000 });
  }
  async function shot(page, name) {
    await mkdir(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }
  function noProblems(problems) {
    assert(problems.length === 0, `console errors:\n  ${problems.join("\n  ")}`);
  }

  test("views: cluster view shows the control plane, nodes with their agents, and kube-system pods", async ({ page, problems }) => {
    await page.waitForSelector("#nodes [data-node='control-plane']", { timeout: 30_000 });
    for (const n of ["control-plane", "node-1", "node-2"]) {
      const card = page.locator(`[data-node='${n}']`);
      assert(await card.count() === 1, `no card for node ${n}`);
      const text = await card.innerText();
      for (const agent of ["kubelet", "kube-proxy", "runtime", "CPU", "Memory"]) {
        assert(text.includes(agent), `node ${n} does not show ${agent}: ${text}`);
      }
      assert(text.includes("Ready"), `node ${n} is not Ready: ${text}`);
    }
    for (const c of ["kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager"]) {
      const b = page.locator(`.control-plane [data-pod='${c}-control-plane']`);
      assert(await b.count() === 1, `control plane lacks ${c}`);
      assert((await b.innerText()).includes("Running 1/1"), `${c} is not Running 1/1`);
    }
    // CoreDNS pods are drawn on the worker nodes with kubectl's STATUS.
    const dns = page.locator(".pod-chip[data-pod^='coredns-']");
    assert(await dns.count() === 2, `coredns chips: ${await dns.count()}`);
    assert(await dns.first().getAttribute("data-status") === "Running", "coredns is not Running");
    await shot(page, "views-cluster");
    // Grouped by owner: Deployment → ReplicaSet → pods.
    await page.check("#group-by-owner");
    const chain = page.locator(".owner-group", { has: page.locator(".obj-link[data-kind='Deployment'][data-name='coredns']") });
    await chain.first().waitFor({ timeout: 5_000 });
    assert(await chain.first().locator(".obj-link[data-kind='ReplicaSet']").count() === 1, "no ReplicaSet between Deployment and pods");
    assert(await chain.first().locator(".pod-chip[data-pod^='coredns-']").count() === 1, "no coredns pod under its owners");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "views-cluster-grouped-dark");
    noProblems(problems);
  });

  test("views: clicking a pod opens its details with kubectl's YAML, events and owner", async ({ page, problems }) => {
    const etcd = page.locator(".control-plane [data-pod='etcd-control-plane']");
    await etcd.waitFor({ timeout: 30_000 });
    await etcd.click();
    const yaml = page.locator("#details-yaml");
    await yaml.waitFor({ timeout: 5_000 });
    const text = await yaml.innerText();
    assert(text.startsWith("apiVersion: v1\nkind: Pod\n"), `YAML starts ${text.slice(0, 60)}`);
    assert(text.includes("  name: etcd-control-plane\n"), "YAML lacks the name");
    assert((await page.locator("#details-status").innerText()).startsWith("Running"), "status badge");
    // A CoreDNS pod links to its ReplicaSet, and the ReplicaSet to the Deployment.
    await page.locator(".pod-chip[data-pod^='coredns-']").first().click();
    const owner = page.locator("#details .obj-link[data-kind='ReplicaSet']");
    await owner.waitFor({ timeout: 5_000 });
    await owner.click();
    await page.locator("#details .obj-link[data-kind='Deployment'][data-name='coredns']").waitFor({ timeout: 5_000 });
    await shot(page, "views-details");
    // Escape closes the drawer.
    await page.locator("#details-close").focus();
    await page.keyboard.press("Escape");
    await page.locator("#details").waitFor({ state: "detached", timeout: 5_000 });
    // Keyboard: Enter on a chip opens it.
    await page.locator(".pod-chip[data-pod^='coredns-']").first().focus();
    await page.keyboard.press("Enter");
    await page.locator("#details-yaml").waitFor({ timeout: 5_000 });
    noProblems(problems);
  });

  test("views: a new pod's creation flow appears step by step from the trace", async ({ page, problems }) => {
    await kubectl(page, "kubectl run nginx --image=nginx");
    const chip = page.locator(".pod-chip[data-pod='nginx']");
    await chip.waitFor({ timeout: 10_000 });
    await chip.click();
    // Steps follow the pod as it is scheduled, pulled and started (seconds of virtual time at 1×).
    await page.locator("#flow .flow-step", { hasText: "Runtime: container started" }).waitFor({ timeout: 20_000 });
    const titles = await page.locator("#flow .flow-title").allInnerTexts();
    const idx = (t) => titles.findIndex((x) => x.startsWith(t));
    const order = ["API server", "Scheduler: filter", "Scheduler: bind", "kubelet: image", "Runtime: container created", "Runtime: container started"];
    const at = order.map(idx);
    assert(at.every((i) => i >= 0), `missing steps: ${order.filter((t, k) => at[k] < 0)} in ${titles}`);
    assert(at.every((v, k) => k === 0 || at[k - 1] < v), `steps out of order: ${titles}`);
    const first = await page.locator("#flow .flow-time").first().innerText();
    assert(first === "+0.000 s", `first step at ${first}`);
    // Play restarts from the first step; pause holds; next steps forward.
    await page.click("#flow-play");
    assert(await page.locator("#flow .flow-step").count() === 1, "play does not restart at step 1");
    await page.waitForFunction(() => document.querySelectorAll("#flow .flow-step").length >= 2, null, { timeout: 5_000 });
    await page.click("#flow-play"); // pause
    const paused = await page.locator("#flow .flow-step").count();
    await page.waitForTimeout(1_000);
    assert(await page.locator("#flow .flow-step").count() === paused, "pause did not hold");
    await page.click("#flow-next");
    assert(await page.locator("#flow .flow-step").count() === paused + 1, "next did not step");
    assert(await page.locator("#flow .flow-step.current .flow-trace").count() === 1, "the current step shows its trace entries");
    await page.click("#flow-all");
    await shot(page, "views-flow");
    noProblems(problems);
  });

  test("views: an unschedulable pod shows the scheduler's verdicts per node and plugin", async ({ page, problems }) => {
    await kubectl(page, "kubectl create deployment big --image=nginx");
    await kubectl(page, "kubectl set resources deployment big --requests=cpu=64");
    const pending = page.locator("#unscheduled .pod-chip[data-pod^='big-']");
    await pending.first().waitFor({ timeout: 15_000 });
    await pending.first().click();
    const table = page.locator("#verdicts table");
    await table.waitFor({ timeout: 10_000 });
    const text = await table.innerText();
    for (const want of ["control-plane", "node-1", "node-2", "NodeResourcesFit", "TaintToleration", "Insufficient cpu", "untolerated taint"]) {
      assert(text.includes(want), `verdict table lacks ${want}:\n${text}`);
    }
    const msg = await page.locator("#verdicts .verdict-message").innerText();
    assert(msg.startsWith("0/3 nodes are available"), `message: ${msg}`);
    await shot(page, "views-verdicts");
    noProblems(problems);
  });

  test("views: events as kubectl get events prints them, filtered; the trace timeline", async ({ page, problems }) => {
    await kubectl(page, "kubectl run nginx --image=nginx");
    await page.click("#tab-events");
    const table = page.locator("#events-table");
    await table.waitFor({ timeout: 10_000 });
    const headers = await table.locator("thead th").allInnerTexts();
    assert(headers.join("|") === "NAMESPACE|LAST SEEN|TYPE|REASON|OBJECT|MESSAGE", `headers ${headers}`);
    await page.locator("#events-table td", { hasText: "pod/nginx" }).first().waitFor({ timeout: 10_000 });
    await page.fill("#filter-object", "pod/nginx");
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("#events-table tbody tr")];
      return rows.length > 0 && rows.every((r) => r.children[4].textContent === "pod/nginx");
    }, null, { timeout: 5_000 });
    await page.selectOption("#filter-reason", "Scheduled");
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll("#events-table tbody tr")];
      return rows.length === 1 && rows[0].children[3].textContent === "Scheduled";
    }, null, { timeout: 5_000 });
    await shot(page, "views-events");
    await page.fill("#filter-object", "no-such-object");
    await page.locator("#no-events").waitFor({ timeout: 5_000 });
    // Timeline: bars per bucket; a click lists the bucket's trace entries.
    await page.click("#tab-timeline");
    const bars = page.locator("#timeline .tl-bar");
    await bars.first().waitFor({ timeout: 5_000 });
    assert(await bars.count() === 60, `bars: ${await bars.count()}`);
    await bars.last().click();
    const entries = page.locator("#timeline-entries");
    await entries.waitFor({ timeout: 5_000 });
    assert((await entries.innerText()).length > 0, "the bucket lists no entries");
    await shot(page, "views-timeline");
    noProblems(problems);
  });

  test("views: a rollout shows old and new ReplicaSets with the budget and history", async ({ page, problems }) => {
    await kubectl(page, "kubectl create deployment web --image=nginx:1.26 --replicas=4");
    await page.click("#tab-workloads");
    const story = page.locator("[data-deployment='web']");
    await story.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(3_000);
    await kubectl(page, "kubectl set image deployment/web nginx=nginx:1.27");
    await story.locator(".rs-card").nth(1).waitFor({ timeout: 10_000 });
    const text = await story.innerText();
    assert(text.includes("maxSurge 25% → 1: at most 5 pods at once"), `budget: ${text}`);
    assert(text.includes("maxUnavailable 25% → 1: at least 3 pods available"), `budget: ${text}`);
    assert(text.includes("nginx:1.27") && text.includes("nginx:1.26"), `images: ${text}`);
    await story.locator("details.history summary").click();
    await shot(page, "views-workloads");
    noProblems(problems);
  });

  test("views: usable at 360 px in dark mode", async ({ page, problems }) => {
    await page.setViewportSize({ width: 360, height: 780 });
    await page.emulateMedia({ colorScheme: "dark" });
    // The navigation is kept: back to the cluster view after the tests above.
    await page.click("#tab-cluster");
    await page.waitForSelector("#nodes [data-node='node-1']", { timeout: 30_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow}px at 360 px`);
    await shot(page, "views-360-dark");
    await page.locator(".control-plane [data-pod='kube-scheduler-control-plane']").click();
    await page.locator("#details-yaml").waitFor({ timeout: 5_000 });
    await shot(page, "views-360-dark-details");
    await page.emulateMedia({ colorScheme: "light" });
    await shot(page, "views-360-light-details");
    noProblems(problems);
  });

  // The measurement is the same wherever the site is served from: run it once.
  if (base !== "/") return;

  // Frame work: from the frame's start (the rAF timestamp) to the first
  // task after the frame (a MessageChannel message posted from rAF), which
  // runs after the app's rAF callback (engine tick + render), style,
  // layout and paint. Intervals: between consecutive rAF timestamps.
  async function measureFrames(page, ms) {
    const m = await page.evaluate((ms) => new Promise((done) => {
      const work = [];
      const intervals = [];
      const ch = new MessageChannel();
      let frameStart = 0;
      ch.port1.onmessage = () => work.push(performance.now() - frameStart);
      let last = 0;
      const end = performance.now() + ms;
      const frame = (ts) => {
        if (last) intervals.push(ts - last);
        last = ts;
        frameStart = ts;
        ch.port2.postMessage(0);
        if (performance.now() < end) requestAnimationFrame(frame);
        else setTimeout(() => done({ work, intervals }), 50);
      };
      requestAnimationFrame(frame);
    }), ms);
    const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
    const r = (x) => x.toFixed(1);
    const p95 = pct(m.work, 0.95);
    const summary = `frames ${m.intervals.length}; work p50 ${r(pct(m.work, 0.5))} ms, p95 ${r(p95)} ms, max ${r(Math.max(...m.work))} ms; ` +
      `rAF interval p50 ${r(pct(m.intervals, 0.5))} ms, p95 ${r(pct(m.intervals, 0.95))} ms`;
    return { p95, summary };
  }

  test("views: with 1,000 pods the cluster view aggregates and frames stay within budget", async ({ page, problems }) => {
    await page.click("#tab-cluster");
    await kubectl(page, "kubectl create deployment many --image=nginx --replicas=1000");
    await page.locator("#aggregated-note").waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /^1\d{3} pods$/.test(document.querySelector("#pod-total")?.textContent ?? ""), null, { timeout: 30_000 });
    await page.waitForTimeout(3_000);
    const { p95, summary } = await measureFrames(page, 5_000);
    console.log(`     1,000 pods on 2 workers (most Pending): ${summary}`);
    await shot(page, "views-1000-pods");
    assert(p95 <= 16, `p95 frame work over 16 ms: ${summary}`);
    noProblems(problems);
  });

  test("views: 1,000 Running pods on ?nodes=10: frames at 1×, 10× and 100×", async ({ page, problems }) => {
    await page.evaluate(() => localStorage.clear());
    await page.goto(page.url().split("#")[0].split("?")[0] + "?nodes=10", { waitUntil: "load" });
    problems.length = 0; // requests of the page we left, cut short
    await page.locator("[data-node='node-10']").waitFor({ timeout: 30_000 });
    await page.click("#tab-cluster");
    await kubectl(page, "kubectl create deployment many --image=nginx --replicas=1000");
    // Blocks in virtual time until every replica is available (seconds of
    // real time on a busy machine: typed by hand, with a longer wait).
    await page.locator("#command").fill("kubectl rollout status deployment/many --timeout=10m");
    await page.locator("#command").press("Enter");
    await page.locator(".term-stdout", { hasText: 'deployment "many" successfully rolled out' }).waitFor({ timeout: 60_000 });
    await kubectl(page, "kubectl get deployment many --no-headers");
    await page.locator(".term-stdout", { hasText: /many\s+1000\/1000\s+1000\s+1000/ }).waitFor({ timeout: 10_000 });
    await page.locator("#unscheduled h3", { hasText: "· 0" }).waitFor({ timeout: 10_000 });
    const running = await page.$$eval("#nodes .count.tone-ok", (cs) => cs
      .filter((c) => c.textContent.endsWith(" Running"))
      .reduce((n, c) => n + Number(c.querySelector(".count-n").textContent), 0));
    assert(running >= 1000, `the cluster view counts ${running} Running pods`);
    await page.waitForTimeout(2_000);
    const results = [];
    for (const speed of [1, 10, 100]) {
      await page.click(`#speed-${speed}`);
      await page.waitForTimeout(1_000);
      const m = await measureFrames(page, 5_000);
      console.log(`     1,000 Running pods on 10 workers, ${speed}×: ${m.summary}`);
      results.push([speed, m]);
    }
    await page.click("#speed-1");
    await shot(page, "views-1000-running-pods");
    const [, at1] = results[0];
    assert(at1.p95 <= 16, `p95 frame work over 16 ms at 1×: ${at1.summary}`);
    await page.evaluate(() => localStorage.clear());
    noProblems(problems);
  });
}
