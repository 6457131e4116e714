/* truce explorer — the page of `truce serve` (docs/serve.md). It uses only the JSON API:
 * GET /api/params and /api/portfolios once, then POST /api/ensemble and /api/compare
 * whenever the setup changes. */
(function () {
  "use strict";

  var meta = null;          // GET /api/params
  var shipped = [];         // GET /api/portfolios
  var levers = [];          // the portfolio being edited: objects as docs/portfolios.md
  var params = {};          // moved key parameters: name -> value
  var seq = 0;              // requests in flight: only the latest answer is drawn
  var timer = null;
  var charts = { ensemble: null, diff: null };
  var last = { ensemble: null, compare: null };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function month(s) { return typeof s === "string" ? s.slice(0, 7) : ""; }
  function leverInfo(name) {
    for (var i = 0; i < meta.levers.length; i++) if (meta.levers[i].name === name) return meta.levers[i];
    return null;
  }
  function paramInfo(name) {
    for (var i = 0; i < meta.parameters.length; i++) if (meta.parameters[i].name === name) return meta.parameters[i];
    return null;
  }
  function showError(msg) {
    var e = $("error");
    if (!msg) { e.hidden = true; e.textContent = ""; return; }
    e.hidden = false;
    e.textContent = msg;
  }

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  /* ---- the setup --------------------------------------------------------------------- */

  var CELLS = {
    intensity: { min: -10, max: 10, step: 0.1, def: 1, label: "intensity" },
    compliance: { min: 0, max: 1, step: 0.05, def: null, label: "compliance" },
    monitoring: { min: 0, max: 1, step: 0.05, def: 0, label: "monitoring" },
    focus: { min: 0, max: 1, step: 0.05, def: null, label: "focus" },
    releases: { min: 0, max: 1000, step: 10, def: 0, label: "releases" }
  };

  function cellDefault(cell) {
    var c = CELLS[cell];
    if (c.def !== null) return c.def;
    var p = paramInfo(cell === "compliance" ? "ceasefire_compliance" : "ops_focus");
    return p ? p.value : 0.5;
  }

  function renderLevers() {
    var box = $("levers");
    box.textContent = "";
    if (levers.length === 0) box.appendChild(el("p", { "class": "note" }, "No lever: the request asks for the status quo."));
    levers.forEach(function (lv, i) {
      var d = el("div", { "class": "lever", "data-index": String(i) });
      var row = el("div", { "class": "row" });
      var sel = el("select", { "class": "lever-kind", "aria-label": "lever" });
      meta.levers.forEach(function (l) {
        var o = el("option", { value: l.name }, l.name);
        if (l.name === lv.lever) o.selected = true;
        sel.appendChild(o);
      });
      sel.addEventListener("change", function () {
        lv.lever = sel.value;
        var info = leverInfo(lv.lever);
        Object.keys(CELLS).forEach(function (c) { if (info.cells.indexOf(c) < 0) delete lv[c]; });
        if (info.cells.indexOf("demobilisation") < 0) delete lv.demobilisation;
        delete lv.id;
        renderLevers();
        changed();
      });
      row.appendChild(sel);
      var rm = el("button", { type: "button", "class": "remove", "aria-label": "remove lever" }, "remove");
      rm.addEventListener("click", function () { levers.splice(i, 1); renderLevers(); changed(); });
      row.appendChild(rm);
      d.appendChild(row);

      row = el("div", { "class": "row" });
      var lo = month(meta.from), hi = month(meta.to);
      row.appendChild(el("span", null, "from"));
      var st = el("input", { type: "month", "class": "lever-start", min: lo, max: hi, value: month(lv.start) || lo });
      st.addEventListener("change", function () { if (st.value) { lv.start = st.value; changed(); } });
      row.appendChild(st);
      row.appendChild(el("span", null, "to"));
      var en = el("input", { type: "month", "class": "lever-end", min: lo, max: hi, value: month(lv.end) });
      en.title = "empty: open-ended";
      en.addEventListener("change", function () {
        if (en.value) lv.end = en.value; else delete lv.end;
        changed();
      });
      row.appendChild(en);
      d.appendChild(row);

      row = el("div", { "class": "row" });
      row.appendChild(el("span", null, "regions"));
      var rs = el("select", { "class": "lever-regions", "aria-label": "regions" });
      var cur = Array.isArray(lv.regions) ? lv.regions.join(";") : (lv.regions || "all");
      var opts = ["all"].concat(meta.regions);
      if (opts.indexOf(cur) < 0) opts.push(cur);
      opts.forEach(function (r) {
        var o = el("option", { value: r }, r);
        if (r === cur) o.selected = true;
        rs.appendChild(o);
      });
      rs.addEventListener("change", function () { lv.regions = rs.value; changed(); });
      row.appendChild(rs);
      d.appendChild(row);

      var info = leverInfo(lv.lever) || { cells: [] };
      info.cells.forEach(function (cell) {
        if (!CELLS[cell]) return;
        var c = CELLS[cell];
        row = el("div", { "class": "row" });
        row.appendChild(el("span", null, c.label));
        if (typeof lv[cell] === "string") {   // param:NAME: a level the posterior estimates
          row.appendChild(el("code", null, lv[cell]));
          d.appendChild(row);
          return;
        }
        var v = typeof lv[cell] === "number" ? lv[cell] : cellDefault(cell);
        var r = el("input", { type: "range", "class": "lever-" + cell, min: String(c.min), max: String(Math.max(c.max, v)),
                              step: String(c.step), value: String(v), "aria-label": c.label });
        var out = el("span", { "class": "value" }, String(v));
        r.addEventListener("input", function () { out.textContent = r.value; });
        r.addEventListener("change", function () { lv[cell] = Number(r.value); changed(); });
        row.appendChild(r);
        row.appendChild(out);
        d.appendChild(row);
      });
      box.appendChild(d);
    });
  }

  function renderParams() {
    var box = $("params");
    box.textContent = "";
    meta.key.forEach(function (name) {
      var p = paramInfo(name);
      if (!p) return;
      var d = el("div", { "class": "param" });
      var lab = el("label", { title: p.description + (p.unit ? " (" + p.unit + ")" : "") });
      lab.appendChild(el("span", null, name + " "));
      var step = (p.hi - p.lo) / 100;
      var v = name in params ? params[name] : p.value;
      var r = el("input", { type: "range", "class": "param-" + name, min: String(p.lo), max: String(p.hi),
                            step: String(step), value: String(v) });
      var out = el("span", { "class": "value" }, fmt(v));
      r.addEventListener("input", function () { out.textContent = fmt(Number(r.value)); });
      r.addEventListener("change", function () {
        var x = Number(r.value);
        if (x < p.lo) x = p.lo;
        if (x > p.hi) x = p.hi;
        params[name] = x;
        changed();
      });
      lab.appendChild(r);
      lab.appendChild(out);
      var reset = el("button", { type: "button", "class": "reset" }, "reset");
      reset.addEventListener("click", function () { delete params[name]; renderParams(); changed(); });
      d.appendChild(lab);
      d.appendChild(reset);
      box.appendChild(d);
    });
  }

  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return "–";
    var a = Math.abs(x);
    if (a !== 0 && (a < 0.01 || a >= 1e5)) return x.toExponential(2);
    return String(Math.round(x * 1000) / 1000);
  }

  function portfolioObject() {
    if (levers.length === 0) return null;
    var name = $("portfolio-name").value || "explorer-setup";
    return { name: name, levers: levers.map(function (l) { return Object.assign({}, l); }) };
  }

  function request() {
    var q = { portfolio: portfolioObject(), runs: Number($("runs").value) };
    if (Object.keys(params).length) q.params = Object.assign({}, params);
    return q;
  }

  /* ---- talking to the server ---------------------------------------------------------- */

  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (j) { return { status: r.status, retry: Number(r.headers.get("Retry-After") || 0), body: j }; });
      });
  }

  function changed() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(update, 250);
  }

  function update() {
    timer = null;
    var my = ++seq;
    var q = request();
    var t0 = Date.now();
    $("updated").textContent = "simulating…";
    Promise.all([post("/api/ensemble", q), post("/api/compare", q)]).then(function (rs) {
      if (my !== seq) return;   // a newer setup was sent meanwhile
      for (var i = 0; i < 2; i++) {
        var r = rs[i];
        if (r.status === 503) {
          $("updated").textContent = r.body.error || "busy";
          setTimeout(function () { if (my === seq) changed(); }, 1000 * Math.max(1, r.retry || 1));
          return;
        }
        if (r.status !== 200) {
          showError((r.body.field ? r.body.field + ": " : "") + (r.body.error || ("HTTP " + r.status)));
          $("updated").textContent = "";
          return;
        }
      }
      showError(null);
      last.ensemble = rs[0].body;
      last.compare = rs[1].body;
      draw();
      var u = $("updated");
      u.dataset.count = String(Number(u.dataset.count) + 1);
      u.textContent = "updated: " + rs[0].body.runs + " runs, " + (Date.now() - t0) + " ms";
    }).catch(function (e) {
      if (my === seq) showError("the server did not answer: " + e.message);
    });
  }

  /* ---- charts ------------------------------------------------------------------------- */

  function ts(m) { return Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1, 1) / 1000; }

  function monthsBetween(a, b) {   // ISO days -> months covered (a's month .. b's month)
    return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7)) + 1;
  }

  function reportedSeries(periods, geo, variable) {
    var index = {};
    periods.forEach(function (p, i) { index[p] = i; });
    var out = [];
    (last.ensemble.reported || []).forEach(function (s) {
      if (s.geography !== geo || s.variable !== variable) return;
      var y = periods.map(function () { return null; });
      for (var i = 0; i < s.value.length; i++) {
        var n = monthsBetween(s.first[i], s.last[i]);
        var y0 = Number(s.first[i].slice(0, 4)), m0 = Number(s.first[i].slice(5, 7)) - 1;
        for (var k = 0; k < n; k++) {
          var yy = y0 + Math.floor((m0 + k) / 12), mm = (m0 + k) % 12 + 1;
          var key = yy + "-" + (mm < 10 ? "0" : "") + mm;
          if (key in index && y[index[key]] === null) y[index[key]] = s.value[i] / n;
        }
      }
      out.push({ label: s.source + " (" + s.reported_geography + ")", y: y });
    });
    return out;
  }

  function findBand(list, geo, variable) {
    for (var i = 0; i < list.length; i++) if (list[i].geography === geo && list[i].variable === variable) return list[i];
    return null;
  }

  var COLORS = ["#c0392b", "#8e44ad", "#16a085"];

  function makeChart(key, box, data, names, reported, title) {
    var series = [{}];
    series.push({ label: "q05", stroke: "rgba(41,98,160,0.3)", width: 1 });
    series.push({ label: "q25", stroke: "rgba(41,98,160,0.5)", width: 1 });
    series.push({ label: "median", stroke: "#2962a0", width: 2 });
    series.push({ label: "q75", stroke: "rgba(41,98,160,0.5)", width: 1 });
    series.push({ label: "q95", stroke: "rgba(41,98,160,0.3)", width: 1 });
    reported.forEach(function (r, i) {
      series.push({ label: r.label, stroke: COLORS[i % COLORS.length], width: 0, paths: function () { return null; },
                    points: { show: true, size: 4, fill: COLORS[i % COLORS.length] } });
    });
    var width = Math.max(320, box.clientWidth || 800);
    var opts = {
      title: title, width: width, height: 300, series: series,
      bands: [{ series: [5, 1], fill: "rgba(41,98,160,0.12)" }, { series: [4, 2], fill: "rgba(41,98,160,0.22)" }],
      scales: { x: { time: true } },
      axes: [{}, { size: 60 }],
      legend: { live: true }
    };
    if (charts[key]) charts[key].destroy();
    box.textContent = "";
    charts[key] = new uPlot(opts, data, box);
    charts[key].truceShape = names;
  }

  function draw() {
    var geo = $("geo").value, variable = $("var").value;
    var e = last.ensemble, c = last.compare;
    var b = findBand(e.bands, geo, variable);
    if (b) {
      var rep = reportedSeries(e.periods, geo, variable);
      var data = [e.periods.map(ts), b.q05, b.q25, b.q50, b.q75, b.q95];
      rep.forEach(function (r) { data.push(r.y); });
      var shape = "e:" + rep.map(function (r) { return r.label; }).join("|");
      var gl = $("geo").selectedOptions[0].textContent;
      $("ens-title").textContent = "Ensemble: " + variable + ", " + gl + " (monthly)";
      if (charts.ensemble && charts.ensemble.truceShape === shape) charts.ensemble.setData(data);
      else makeChart("ensemble", $("chart-ensemble"), data, shape, rep, "");
    }
    var d = findBand(c.diff_bands, geo, variable);
    if (d) {
      var dd = [c.periods.map(ts), d.q05, d.q25, d.q50, d.q75, d.q95];
      $("diff-title").textContent = "Difference to the status quo (this setup − status quo, paired runs): " + variable;
      if (charts.diff) charts.diff.setData(dd);
      else makeChart("diff", $("chart-diff"), dd, "d", [], "");
    }
    var tb = $("summary").querySelector("tbody");
    tb.textContent = "";
    c.summary.forEach(function (s) {
      var tr = el("tr");
      [s.outcome, fmt(s.status_quo), fmt(s.value), fmt(s.diff_q05), fmt(s.diff_q50), fmt(s.diff_q95),
       fmt(s.p_better)].forEach(function (t) { tr.appendChild(el("td", null, t)); });
      tb.appendChild(tr);
    });
  }

  /* ---- the portfolio file ------------------------------------------------------------- */

  function yamlScalar(v) {
    if (typeof v === "number") return String(v);
    if (Array.isArray(v)) return "[" + v.map(yamlScalar).join(", ") + "]";
    return JSON.stringify(String(v));   // a JSON string is a YAML double-quoted scalar
  }

  function portfolioYaml() {
    var p = portfolioObject();
    var name = $("portfolio-name").value || "explorer-setup";
    var lines = ["# A policy portfolio made in the truce explorer (truce serve), for",
                 "# truce assess --portfolio FILE (docs/portfolios.md)."];
    var moved = Object.keys(params);
    if (moved.length) {
      lines.push("# The explorer also moved these parameters from " + meta.from + " on (not part of a portfolio):");
      moved.forEach(function (k) { lines.push("#   " + k + " = " + params[k]); });
    }
    lines.push("name: " + yamlScalar(name));
    lines.push("description: " + yamlScalar("made in the explorer: " + (p ? p.levers.length : 0) + " levers"));
    lines.push("levers:");
    (p ? p.levers : []).forEach(function (l) {
      var first = true;
      Object.keys(l).forEach(function (k) {
        if (l[k] === null || l[k] === undefined) return;
        lines.push((first ? "  - " : "    ") + k + ": " + yamlScalar(l[k]));
        first = false;
      });
    });
    return lines.join("\n") + "\n";
  }

  function download() {
    if (levers.length === 0) { showError("a portfolio needs at least one lever: add one first"); return; }
    var blob = new Blob([portfolioYaml()], { type: "application/x-yaml" });
    var a = el("a", { href: URL.createObjectURL(blob), download: ($("portfolio-name").value || "explorer-setup") + ".yaml" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  /* ---- start -------------------------------------------------------------------------- */

  function choosePortfolio() {
    var v = $("portfolio-select").value;
    var p = v === "" ? null : shipped[Number(v)];
    levers = p && Array.isArray(p.levers) ? JSON.parse(JSON.stringify(p.levers)) : [];
    $("portfolio-description").textContent = p ? p.description : "The status quo.";
    $("portfolio-name").value = p ? (p.status_quo ? "explorer-setup" : p.name + "-edited") : "explorer-setup";
    renderLevers();
    changed();
  }

  function pollBank() {
    getJSON("/api/status").then(function (s) {
      $("bank").textContent = s.ready ? "bank of " + s.runs + " histories ready" :
        s.failed ? "bank failed: " + s.error : "building the bank: " + s.done + "/" + s.runs + " histories";
      if (!s.ready && !s.failed) setTimeout(pollBank, 1000);
    }).catch(function () { setTimeout(pollBank, 2000); });
  }

  function start() {
    Promise.all([getJSON("/api/params"), getJSON("/api/portfolios")]).then(function (r) {
      meta = r[0];
      shipped = r[1].portfolios || [];
      $("scenario").textContent = meta.scenario.name + " · futures " + meta.from + " to " + meta.to +
        (meta.posterior ? " · posterior " + meta.posterior.name : "");
      var ps = $("portfolio-select");
      shipped.forEach(function (p, i) {
        var o = el("option", { value: String(i) }, p.name + (p.status_quo ? " (status quo)" : ""));
        if (p.status_quo) o.selected = true;
        ps.appendChild(o);
      });
      if (shipped.length === 0) ps.appendChild(el("option", { value: "" }, "status quo"));
      ps.addEventListener("change", choosePortfolio);
      meta.geographies.forEach(function (g) { $("geo").appendChild(el("option", { value: g.name }, g.label)); });
      meta.variables.forEach(function (v) { $("var").appendChild(el("option", { value: v.name }, v.name)); });
      var runs = $("runs");
      Array.prototype.slice.call(runs.options).forEach(function (o) {
        if (Number(o.value) > meta.limits.runs_max) o.remove();
      });
      if (!runs.value) runs.appendChild(el("option", { value: String(meta.limits.runs_max) }, String(meta.limits.runs_max)));
      runs.addEventListener("change", changed);
      $("geo").addEventListener("change", function () { if (last.ensemble) draw(); });
      $("var").addEventListener("change", function () { if (last.ensemble) draw(); });
      $("add-lever").addEventListener("click", function () {
        levers.push({ lever: "ceasefire", start: month(meta.from), end: month(meta.from).slice(0, 4) + "-12", regions: "all" });
        renderLevers();
        changed();
      });
      $("portfolio-name").addEventListener("change", changed);
      $("download").addEventListener("click", download);
      renderParams();
      pollBank();
      choosePortfolio();
    }).catch(function (e) { showError("cannot reach the server: " + e.message); });
  }

  window.addEventListener("resize", function () {
    ["ensemble", "diff"].forEach(function (k) {
      var c = charts[k];
      if (c) c.setSize({ width: Math.max(320, c.root.parentNode.clientWidth || 800), height: 300 });
    });
  });

  start();
})();
