// The dashboard end to end in Debian's headless chromium, driven by playwright-core (never a downloaded browser).
// Run by DashboardTests (tests/Composer.IntegrationTests/Ecosystem) against a running
// `composer up -d --watch --dashboard`:
//   node dashboard.test.mjs URL PROJECT [SCREENSHOT.png]
// Prints one line per check; exits non-zero with the reason on the first failure. Every wait has a deadline.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";

const [url, project, screenshot] = process.argv.slice(2);
if (!url || !project) { console.error("usage: node dashboard.test.mjs URL PROJECT [SCREENSHOT]"); process.exit(2); }
const base = new URL(url);
const token = base.searchParams.get("token");
const container = service => `${project}-${service}-1`;
const docker = (...args) => execFileSync("docker", args, { encoding: "utf8" }).trim();
const deadline = Number(process.env.DASHBOARD_DEADLINE_MS || 10000);
const ok = what => console.log(`ok: ${what}`);

async function eventually(probe, what, ms = deadline) {
  const until = Date.now() + ms;
  let delay = 50, last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > until) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  // Every route refuses a request without the token.
  for (const path of ["/", "/api/services", "/api/graph", "/api/incidents", "/api/events"]) {
    const r = await fetch(new URL(path, base));
    if (r.status !== 403) throw new Error(`${path} without the token answered ${r.status}, not 403`);
  }
  const wrong = await fetch(new URL("/api/services?token=" + "0".repeat(token.length), base));
  if (wrong.status !== 403) throw new Error(`a wrong token answered ${wrong.status}`);
  const noCsrf = await fetch(new URL(`/api/services/app/restart?token=${token}`, base), { method: "POST" });
  if (noCsrf.status !== 403) throw new Error(`a POST without the anti-forgery token answered ${noCsrf.status}`);
  ok("requests without the token (or an action without the anti-forgery token) are refused with 403");

  const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
  const errors = [];
  page.on("pageerror", e => errors.push(e.message));
  const response = await page.goto(url);
  if (response.status() !== 200) throw new Error(`the page answered ${response.status()}`);
  const row = service => page.locator(`#services tr[data-service="${service}"]`);
  const stateOf = async service => (await row(service).count()) ? row(service).getAttribute("data-state") : null;

  for (const service of ["db", "app"]) await eventually(async () => (await stateOf(service)) === "running", `${service} listed as running`);
  ok("the page lists the project's services as running");
  await eventually(async () => (await page.locator('#live.on').count()) > 0, "the event stream to connect");
  await eventually(async () => (await page.locator('svg [data-edge="app->db:links"]').count()) > 0 && (await page.locator('svg g[data-node="db"]').count()) > 0, "the graph with app -links-> db");
  ok("the graph shows the services and the links edge");
  await eventually(async () => (await page.locator('pre[data-service="app"]').textContent() ?? "").includes("app up"), "app's log lines");
  ok("the logs show app's output");

  // A crash: SIGKILL to db's process from the host (what `docker kill` does to it, without going through the
  // engine's kill API, which watch takes as a deliberate stop and leaves alone).
  const pid = docker("inspect", "-f", "{{.State.Pid}}", container("db"));
  const killedAt = Date.now();
  process.kill(Number(pid), "SIGKILL");
  await eventually(async () => ((await row("db").locator("td.last-event").textContent()) ?? "").startsWith("die 137"), "db's death on the page");
  console.log(`ok: db's death appeared on the page after ${Date.now() - killedAt} ms`);
  await eventually(async () => (await stateOf("db")) === "exited", "db shown as exited");
  ok("db shown as exited");
  await eventually(async () => ((await page.locator("#timeline").textContent()) ?? "").includes("db-1 exited 137 → restarted"), "watch's incident on the timeline");
  await eventually(async () => (await stateOf("db")) === "running", "db running again after watch repaired it");
  ok("watch's repair appears on the timeline and db is running again");

  // The restart button restarts app's container.
  const startedBefore = docker("inspect", "-f", "{{.State.StartedAt}}", container("app"));
  await row("app").locator('button[data-action="restart"]').click();
  await eventually(() => docker("inspect", "-f", "{{.State.StartedAt}}", container("app")) !== startedBefore, "app's container to restart");
  await eventually(async () => (await stateOf("app")) === "running", "app running after the restart");
  ok("the restart button restarted app");

  if (errors.length) throw new Error("script errors on the page: " + errors.join("; "));
  if (screenshot) { await page.screenshot({ path: screenshot, fullPage: true }); ok(`screenshot ${screenshot}`); }
  console.log("dashboard browser test: passed");
} catch (e) {
  console.error(`dashboard browser test: FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
