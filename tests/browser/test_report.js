// The report in headless Chromium (Debian's chromium, driven by playwright-core):
//   node tests/browser/test_report.js DIR ARTEFACTS
// DIR is an assessment folder written by `truce assess` (its report.html and
// assessment.csv); screenshots go to ARTEFACTS. Prints TAP ("ok N - ...").
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const dir = path.resolve(process.argv[2]);
const art = path.resolve(process.argv[3]);
const html = path.join(dir, "report.html");
const url = "file://" + html;
let n = 0, failed = 0;
function check(ok, what, detail) {
  n++;
  if (!ok) failed++;
  console.log((ok ? "ok " : "not ok ") + n + " - " + what);
  if (!ok && detail) console.log("# " + String(detail).split("\n").join("\n# "));
}

// RFC 4180 CSV, enough for assessment.csv (quoted names with commas).
function readCsv(file) {
  const t = fs.readFileSync(file, "utf8");
  const rows = [];
  let row = [], f = "", q = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (q) {
      if (c === '"' && t[i + 1] === '"') { f += '"'; i++; }
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ",") { row.push(f); f = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && t[i + 1] === "\n") i++;
      row.push(f); f = "";
      if (row.length > 1 || row[0] !== "") rows.push(row);
      row = [];
    } else f += c;
  }
  if (f !== "" || row.length) { row.push(f); rows.push(row); }
  const head = rows.shift();
  return rows.map(r => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

// A number as the page prints it ("−1,234" never: no separators; U+2212 minus, "±0",
// "+12"), and the half unit of its last printed digit: the page rounds, so a printed
// number matches the CSV's when they differ by no more than that.
function shown(text) {
  const s = text.trim().replace(/\u2212/g, "-").replace(/±/g, "").replace(/\s*%$/, "");
  const v = Number(s);
  const dot = s.indexOf(".");
  const decimals = dot < 0 ? 0 : s.length - dot - 1;
  return { v, tol: 0.5 * Math.pow(10, -decimals) + 1e-9, ok: s !== "" && Number.isFinite(v) };
}
function near(text, want, scale, what, errors) {
  const x = shown(text);
  const w = Number(want) * scale;
  if (!x.ok || !Number.isFinite(w) || Math.abs(x.v - w) > x.tol * Math.max(1, 1)) errors.push(what + ": page '" + text + "', csv " + want);
}

(async () => {
  const launch = { executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args: [] };
  if (process.getuid && process.getuid() === 0) launch.args.push("--no-sandbox");
  const browser = await chromium.launch(launch);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests = [], consoleErrors = [];
    page.on("request", r => requests.push(r.url()));
    page.on("console", m => { if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.type() + ": " + m.text()); });
    page.on("pageerror", e => consoleErrors.push("page error: " + e.message));
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => document.documentElement.hasAttribute("data-charts-ready"), null, { timeout: 20000 });
    await page.waitForTimeout(200);

    check(consoleErrors.length === 0, "no console error or warning", consoleErrors.join("\n"));
    const others = requests.filter(u => u !== url);
    check(requests.length === 1 && others.length === 0, "no network request: only the file itself is loaded (" + requests.length + " request(s))", others.join("\n"));

    // Every chart has data and drew something.
    const charts = await page.evaluate(() => {
      const out = [];
      for (const c of window.truceCharts) {
        const u = c.u;
        let points = 0;
        for (let s = 1; s < u.data.length; s++)
          for (const y of u.data[s]) if (y !== null && y !== undefined && Number.isFinite(y)) points++;
        // coloured (not grey, not transparent) pixels inside the plotting area
        const b = u.bbox;
        const img = u.ctx.getImageData(Math.floor(b.left), Math.floor(b.top), Math.max(1, Math.floor(b.width)), Math.max(1, Math.floor(b.height))).data;
        let coloured = 0;
        for (let i = 0; i < img.length; i += 4) {
          const r = img[i], g = img[i + 1], bl = img[i + 2], a = img[i + 3];
          if (a > 0 && (Math.abs(r - g) > 12 || Math.abs(g - bl) > 12 || Math.abs(r - bl) > 12)) coloured++;
        }
        out.push({ id: c.id, points, coloured, x: u.data[0].length });
      }
      return { charts: out, placeholders: document.querySelectorAll("div.chart").length };
    });
    check(charts.charts.length > 0 && charts.charts.length === charts.placeholders,
      "every chart placeholder has a uPlot chart (" + charts.charts.length + " of " + charts.placeholders + ")");
    const empty = charts.charts.filter(c => c.points === 0).map(c => c.id);
    check(empty.length === 0, "every chart has points to draw (" + charts.charts.reduce((a, c) => a + c.points, 0) + " points in all)", "no data: " + empty.join(", "));
    const blank = charts.charts.filter(c => c.coloured === 0).map(c => c.id);
    check(blank.length === 0, "no chart's canvas is blank", "blank: " + blank.join(", "));

    // The first screen: the answer table equals assessment.csv.
    const rows = readCsv(path.join(dir, "assessment.csv"));
    const cells = await page.evaluate(() => Array.from(document.querySelectorAll("#answer td[data-portfolio]")).map(td => ({
      portfolio: td.dataset.portfolio, outcome: td.dataset.outcome,
      d: td.querySelector(".d").textContent, ci: td.querySelector(".ci").textContent, p: td.querySelector(".p").textContent })));
    const sq = await page.evaluate(() => Array.from(document.querySelectorAll("#answer td.sqv")).map(td => ({ outcome: td.dataset.outcome, v: td.textContent })));
    const national = rows.filter(r => r.outcome.endsWith(":national"));
    const errors = [];
    check(cells.length === national.length && cells.length > 0, "the answer table has a cell for every national row of assessment.csv (" + cells.length + " of " + national.length + ")");
    for (const c of cells) {
      const r = rows.find(x => x.portfolio === c.portfolio && x.outcome === c.outcome);
      if (!r) { errors.push("no csv row for " + c.portfolio + " / " + c.outcome); continue; }
      const what = c.portfolio + " / " + c.outcome;
      near(c.d, r.diff_q50, 1, what + " diff_q50", errors);
      const ci = c.ci.replace(/^\[|\]$/g, "").split(",");
      near(ci[0], r.diff_q05, 1, what + " diff_q05", errors);
      near(ci[1], r.diff_q95, 1, what + " diff_q95", errors);
      if (r.p_better === "") { if (c.p.trim() !== "–") errors.push(what + ": p_better is empty in the csv, page '" + c.p + "'"); }
      else near(c.p, r.p_better, 100, what + " p_better", errors);
    }
    for (const s of sq) {
      const r = rows.find(x => x.outcome === s.outcome);
      if (r) near(s.v, r.status_quo, 1, "status quo " + s.outcome, errors);
      else errors.push("no csv row for the status quo's " + s.outcome);
    }
    check(errors.length === 0, "the first screen's numbers equal assessment.csv's (" + (cells.length * 4 + sq.length) + " numbers)", errors.slice(0, 20).join("\n"));
    const top = await page.evaluate(() => document.querySelector("#answer").getBoundingClientRect().top);
    check(top < 900, "the answer table starts on the first screen (top at " + Math.round(top) + " px of 900)");

    fs.mkdirSync(art, { recursive: true });
    await page.screenshot({ path: path.join(art, "report.png") });
    await page.screenshot({ path: path.join(art, "report-full.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, "no sideways scrolling of the page at phone width (390 px; wide tables scroll inside their box)", "page is " + overflow + " px too wide");
    await page.screenshot({ path: path.join(art, "report-phone.png") });
    check(fs.statSync(path.join(art, "report.png")).size > 10000, "screenshots kept in " + path.relative(process.cwd(), art));
  } catch (e) {
    check(false, "the browser test ran", e.stack || e);
  } finally {
    await browser.close();
  }
  console.log("1.." + n);
  process.exit(failed ? 1 : 0);
})();
