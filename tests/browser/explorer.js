// End-to-end test of the explorer page (truce serve) in headless Chromium, driven by
// playwright-core with Debian's browser: load the page, add a lever and move it, the
// charts and the summary update; download the setup as a portfolio file.
//   node tests/browser/explorer.js URL DOWNLOAD_PATH      (prints TAP; exit 1 on a failure)
"use strict";
const { chromium } = require("playwright-core");

const url = process.argv[2], downloadPath = process.argv[3];
let fails = 0;
function check(name, cond, detail) {
  if (cond) console.log("ok - " + name);
  else { fails++; console.log("not ok - " + name + (detail ? " # " + String(detail).slice(0, 300) : "")); }
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
                                          args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  const bodies = [];
  page.on("response", async (r) => {
    if (r.url().endsWith("/api/ensemble") && r.status() === 200) bodies.push(await r.text());
  });
  const count = () => page.$eval("#updated", (e) => Number(e.dataset.count));
  const canvas = () => page.$eval("#chart-ensemble canvas", (c) => c.toDataURL());
  const summary = () => page.$eval("#summary tbody", (t) => t.textContent);

  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => Number(document.querySelector("#updated").dataset.count) >= 1, null, { timeout: 60000 });
  check("the page loads and draws the ensemble, the difference and the summary",
        (await page.$$("#chart-ensemble canvas")).length > 0 && (await page.$$("#chart-diff canvas")).length > 0 &&
        (await page.$$("#summary tbody tr")).length === 12);
  const shipped = await page.$$eval("#portfolio-select option", (os) => os.map((o) => o.textContent));
  check("the shipped portfolios are offered, the status quo selected",
        shipped.length > 1 && (await page.$eval("#portfolio-select", (s) => s.selectedOptions[0].textContent)).includes("status quo"),
        shipped.join(","));

  // add a lever (a ceasefire from the futures' first day) and move its compliance
  let n0 = await count(), pic0 = await canvas(), sum0 = await summary(), b0 = bodies.length;
  await page.click("#add-lever");
  await page.waitForFunction((n) => Number(document.querySelector("#updated").dataset.count) > n, n0, { timeout: 60000 });
  let pic1 = await canvas(), sum1 = await summary();
  check("adding a ceasefire lever: a new answer, the chart and the summary change",
        bodies.length > b0 && bodies[bodies.length - 1] !== bodies[b0 - 1] && pic1 !== pic0 && sum1 !== sum0);

  n0 = await count();
  const b1 = bodies.length;
  const slider = page.locator(".lever").last().locator("input.lever-compliance");
  await slider.evaluate((e) => { e.value = "0.1"; e.dispatchEvent(new Event("input")); e.dispatchEvent(new Event("change")); });
  await page.waitForFunction((n) => Number(document.querySelector("#updated").dataset.count) > n, n0, { timeout: 60000 });
  const pic2 = await canvas(), sum2 = await summary();
  check("moving the lever's compliance slider: the chart updates",
        bodies.length > b1 && bodies[bodies.length - 1] !== bodies[b1 - 1] && pic2 !== pic1 && sum2 !== sum1);

  // a key parameter
  n0 = await count();
  await page.locator("input.param-regroup_strength").evaluate((e) => {
    e.value = String(Number(e.min) + 0.9 * (Number(e.max) - Number(e.min)));
    e.dispatchEvent(new Event("change"));
  });
  await page.waitForFunction((n) => Number(document.querySelector("#updated").dataset.count) > n, n0, { timeout: 60000 });
  check("moving a key parameter's slider: the summary updates", (await summary()) !== sum2);

  // the setup as a portfolio file
  await page.fill("#portfolio-name", "browser-test");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  await dl.saveAs(downloadPath);
  check("download: a portfolio file named after the setup", dl.suggestedFilename() === "browser-test.yaml", dl.suggestedFilename());
  check("no error on the page's console", errors.length === 0, errors.join(" | "));
  await browser.close();
  process.exit(fails ? 1 : 0);
})().catch((e) => { console.log("not ok - the browser test ran to its end # " + String(e).slice(0, 400)); process.exit(1); });
