/* truce report: draws the charts whose numbers the page carries in #truce-data (uPlot,
 * inlined above). Every chart's numbers are also in the table under it. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("truce-data").textContent);
  var episodes = data.episodes || [];
  var calm = { ceasefire: 1, talks: 1, peace_deal: 1 };
  var charts = [];
  window.truceCharts = charts;

  function shade(u) {
    var ctx = u.ctx, top = u.bbox.top, h = u.bbox.height;
    var x0 = u.scales.x.min, x1 = u.scales.x.max;
    ctx.save();
    for (var i = 0; i < episodes.length; i++) {
      var e = episodes[i];
      if (e.end < x0 || e.start > x1) continue;
      var a = u.valToPos(Math.max(e.start, x0), "x", true);
      var b = u.valToPos(Math.min(e.end, x1), "x", true);
      ctx.fillStyle = calm[e.kind] ? "rgba(43,138,62,0.22)" : "rgba(120,120,120,0.12)";
      ctx.fillRect(a, top, Math.max(b - a, 2), h);
    }
    ctx.restore();
  }

  function series(s) {
    var o = { label: s.label, stroke: s.color, spanGaps: false };
    if (s.kind === "edge") { o.width = 0.5; o.stroke = "rgba(0,0,0,0.15)"; o.points = { show: false }; }
    else if (s.kind === "mid") { o.width = 2; }
    else if (s.kind === "points") { o.paths = function () { return null; }; o.points = { show: true, size: 5, fill: s.color, stroke: s.color }; }
    else { o.width = 1.5; o.points = { show: true, size: 3 }; }
    return o;
  }

  function height() { return window.innerWidth < 760 ? 190 : 230; }

  function make(c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    var opts = {
      width: Math.max(el.clientWidth, 200),
      height: height(),
      series: [{}].concat(c.series.map(series)),
      bands: c.bands.map(function (b) { return { series: [b[0], b[1]], fill: b[2] }; }),
      axes: [{}, { label: c.y, size: 56 }],
      legend: { show: c.series.length <= 4 },
      cursor: { drag: { x: false, y: false } },
      hooks: c.shade ? { drawClear: [shade] } : {}
    };
    var d = [c.x].concat(c.series.map(function (s) { return s.y; }));
    var u = new uPlot(opts, d, el);
    charts.push({ id: c.id, u: u, el: el });
  }

  data.charts.forEach(make);

  var pending = 0;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = requestAnimationFrame(function () {
      pending = 0;
      charts.forEach(function (c) { c.u.setSize({ width: Math.max(c.el.clientWidth, 200), height: height() }); });
    });
  });
  document.documentElement.setAttribute("data-charts-ready", String(charts.length));
})();
