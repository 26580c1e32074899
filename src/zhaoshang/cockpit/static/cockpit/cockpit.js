/* Cockpit charts: drawn with ECharts from the JSON the server hands over (json_script
   "cockpit-data"), drawn again whenever htmx swaps the figures after a filter change.
   Each chart has its table beside it (shown to screen readers always, to everyone on
   "Show as table") and a PNG download. */
(function () {
  "use strict";
  var charts = {};
  var PALETTE = ["#b3261e", "#1f6feb", "#2da44e", "#bf8700", "#8250df", "#cf222e", "#0a7ea4", "#6e7781"];

  function data() {
    var el = document.getElementById("cockpit-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  // 亿元 with at most two decimals (axis labels and tooltips); the exact figures are in
  // the tables beside each chart.
  function fmt(v) {
    return (Math.round(v * 100) / 100).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  // ECharts renders a tooltip formatter's string as HTML: names of units, industries and
  // chains come from the data, so each piece of text is escaped before it is joined, with
  // the one escape function every chart page shares (ECharts' own, loaded on each of them).
  function esc(text) {
    return echarts.format.encodeHTML(String(text));
  }

  function bars(d, text, horizontal) {
    var cat = { type: "category", data: d.labels, axisLabel: { interval: 0, width: 110, overflow: "truncate" } };
    var val = { type: "value", name: text.yi_short, nameLocation: "middle", nameGap: horizontal ? 24 : 40, axisLabel: { formatter: fmt } };
    return {
      color: PALETTE,
      grid: { left: horizontal ? 120 : 50, right: 24, top: 10, bottom: horizontal ? 40 : 70, containLabel: false },
      tooltip: {
        trigger: "axis",
        formatter: function (ps) {
          var p = ps[0];
          return esc(p.name) + "<br>" + esc(text.investment) + ": " + esc(fmt(p.value)) + " " +
            esc(text.yi_short) + "<br>" + esc(text.count) + ": " + esc(d.counts[p.dataIndex]);
        }
      },
      xAxis: horizontal ? val : Object.assign(cat, { axisLabel: { rotate: 35, interval: 0, width: 90, overflow: "truncate" } }),
      yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: [{ type: "bar", data: d.values, barMaxWidth: 28, cursor: "pointer" }]
    };
  }

  function options(name, all) {
    var text = all.text;
    if (name === "unit") return bars(all.unit, text, true);
    if (name === "industry") return bars(all.industry, text, true);
    if (name === "chain") return bars(all.chain, text, true);
    if (name === "stage") {
      var st = all.stage;
      return {
        color: PALETTE,
        grid: { left: 40, right: 16, top: 10, bottom: 30 },
        tooltip: {
          trigger: "axis",
          formatter: function (ps) {
            var p = ps[0];
            return esc(p.name) + "<br>" + esc(text.count) + ": " + esc(p.value) + "<br>" +
              esc(text.investment) + ": " + esc(fmt(st.totals[p.dataIndex])) + " " + esc(text.yi_short);
          }
        },
        xAxis: { type: "category", data: st.labels, axisLabel: { interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: st.values, barMaxWidth: 32, cursor: "pointer", itemStyle: { color: PALETTE[1] } }]
      };
    }
    if (name === "monthly") {
      var m = all.monthly;
      var series = [];
      m.series.forEach(function (s) {
        series.push({ name: s.name, type: "bar", data: s.counts, barMaxWidth: 14, cursor: "pointer" });
      });
      m.series.forEach(function (s) {
        series.push({ name: s.name + " (" + text.yi_short + ")", type: "line", yAxisIndex: 1, data: s.values, smooth: true, symbolSize: 4 });
      });
      return {
        color: PALETTE,
        legend: { top: 0, type: "scroll" },
        grid: { left: 45, right: 60, top: 40, bottom: 50 },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt(v); } },
        xAxis: { type: "category", data: m.labels, axisLabel: { rotate: 45 } },
        yAxis: [
          { type: "value", name: text.count, minInterval: 1 },
          { type: "value", name: text.yi_short, axisLabel: { formatter: fmt } }
        ],
        series: series
      };
    }
    return null;
  }

  // A click on a bar or point opens the ledger filtered to what was clicked: the page
  // hands the address of each one (`urls`, built by the server); nothing is built here.
  function drill(all, name, p) {
    var url = null;
    if (name === "monthly") {
      var s = all.monthly.series[p.seriesIndex % all.monthly.series.length];
      url = s && s.urls[p.dataIndex];
    } else if (all[name] && all[name].urls) {
      url = all[name].urls[p.dataIndex];
    }
    if (url && url.charAt(0) === "/") window.location.assign(url);
  }

  function draw() {
    var all = data();
    if (!all || typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      var old = echarts.getInstanceByDom(el);
      if (old) old.dispose();
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var option = options(name, all);
      // drawn at once, not grown: a bar is where it is shown (and clickable) from the start
      option.animation = false;
      chart.setOption(option);
      chart.on("click", function (p) { drill(all, name, p); });
      charts[name] = chart;
    });
    document.body.classList.add("charts-drawn");
  }

  function png(name) {
    var chart = charts[name];
    if (!chart) return;
    var a = document.createElement("a");
    a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    a.download = "cockpit-" + name + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-png], [data-toggle-table]");
    if (!btn) return;
    if (btn.hasAttribute("data-png")) {
      png(btn.getAttribute("data-png"));
      return;
    }
    var name = btn.getAttribute("data-toggle-table");
    var box = document.getElementById("box-" + name);
    var open = box.classList.toggle("show-table");
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  });

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  document.addEventListener("DOMContentLoaded", function () {
    // on a phone the filters start folded: the figures come first
    if (window.matchMedia("(max-width: 700px)").matches) {
      document.querySelectorAll(".cockpit-filter-box, .cockpit-stock").forEach(function (el) {
        el.removeAttribute("open");
      });
    }
    draw();
  });
  // charts drawn while folded have no size: fit them when the section is opened
  document.addEventListener("toggle", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("cockpit-stock") && ev.target.open) {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
      window.dispatchEvent(new Event("resize"));
    }
  }, true);
  document.addEventListener("htmx:afterSettle", function (ev) {
    if (ev.target && ev.target.id === "cockpit-body") draw();
  });
})();
