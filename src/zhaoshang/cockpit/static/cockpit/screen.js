/* The 大屏: draws the monthly chart from the JSON the server hands over (json_script
   "cockpit-data"), and every `data-refresh` seconds fetches the same page's figures
   again (?fragment=1, the same functions as the cockpit) and swaps them in. */
(function () {
  "use strict";
  var chart = null;

  function fmt(v) {
    return (Math.round(v * 100) / 100).toLocaleString(undefined, { maximumFractionDigits: 2 });
  }

  function draw() {
    var el = document.getElementById("chart-monthly");
    var data = document.getElementById("cockpit-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var all = JSON.parse(data.textContent);
    var m = all.monthly, text = all.text;
    var series = [];
    m.series.forEach(function (s) {
      series.push({ name: s.name, type: "bar", data: s.counts, barMaxWidth: 12 });
    });
    m.series.forEach(function (s) {
      series.push({ name: s.name + " (" + text.yi_short + ")", type: "line", yAxisIndex: 1, data: s.values, smooth: true, symbolSize: 3 });
    });
    if (chart) chart.dispose();
    chart = echarts.init(el, "dark", { renderer: "canvas" });
    chart.setOption({
      backgroundColor: "transparent",
      color: ["#58a6ff", "#f2c94c", "#79c0ff", "#ffd866"],
      textStyle: { fontSize: 13 },
      legend: { top: 0, textStyle: { color: "#c5d4e4" } },
      grid: { left: 40, right: 55, top: 30, bottom: 40 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt(v); } },
      xAxis: { type: "category", data: m.labels, axisLabel: { rotate: 45, color: "#9fb3c8" } },
      yAxis: [
        { type: "value", name: text.count, minInterval: 1, axisLabel: { color: "#9fb3c8" }, splitLine: { lineStyle: { color: "#1d3b63" } } },
        { type: "value", name: text.yi_short, axisLabel: { color: "#9fb3c8", formatter: fmt }, splitLine: { show: false } }
      ],
      series: series
    });
    document.body.classList.add("charts-drawn");
  }

  function refresh() {
    var url = new URL(window.location.href);
    url.searchParams.set("fragment", "1");
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) {
        if (!r.ok || r.redirected) throw new Error(String(r.status));
        return r.text();
      })
      .then(function (html) {
        // parsed, not written as markup: scripts in it never run (the figures come escaped)
        var fresh = new DOMParser().parseFromString(html, "text/html").body;
        document.getElementById("screen-body").replaceChildren.apply(
          document.getElementById("screen-body"), Array.prototype.slice.call(fresh.childNodes)
        );
        draw();
      })
      .catch(function () { /* keep the figures shown; try again next time */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    var seconds = parseInt(document.body.getAttribute("data-refresh"), 10) || 300;
    window.setInterval(refresh, seconds * 1000);
  });
  window.addEventListener("resize", function () { if (chart) chart.resize(); });
})();
