// Cluster page: a bullet chart per target, the actuals with targets and projected ranges, and
// the pipeline's yearly output by planned production year. Data from json_script nodes
// "bullet-data", "trend-data" and "pipeline-data"; values in 亿元.
(function () {
  "use strict";
  if (!window.echarts) return;
  var fmt = function (v) { return v == null ? "—" : (Math.round(v * 100) / 100).toString(); };
  // The tooltip formatter's string is rendered as HTML: every piece of text is escaped first.
  var esc = function (text) { return echarts.format.encodeHTML(String(text)); };
  var read = function (id) { var n = document.getElementById(id); return n ? JSON.parse(n.textContent) : null; };
  var charts = [];
  var init = function (el) { var c = echarts.init(el, null, { renderer: "svg" }); charts.push(c); return c; };

  (read("bullet-data") || []).forEach(function (d) {
    var el = document.getElementById(d.id);
    if (!el) return;
    var top = Math.max(d.target || 0, d.high || 0, d.actual || 0) * 1.08 || 1;
    init(el).setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 26, bottom: 22, containLabel: true },
      tooltip: { trigger: "item", confine: true, formatter: function () {
        // a target whose year is over: met or missed, no projected range or trend
        return [esc(d.labels.actual + ": " + fmt(d.actual)), esc(d.labels.target + ": " + fmt(d.target))]
          .concat(d.year_over ? [esc(d.verdict)] : [
            esc(d.labels.range + ": " + fmt(d.low) + " – " + fmt(d.high)),
            esc(d.labels.trend + ": " + fmt(d.central))]).join("<br>") + "<br>" + esc("(" + d.labels.unit + ")");
      } },
      xAxis: { type: "value", max: Math.ceil(top), splitLine: { show: false }, axisLabel: { showMaxLabel: false } },
      yAxis: { type: "category", data: [""], axisTick: { show: false }, axisLine: { show: false } },
      series: [
        { type: "bar", data: [d.actual], barWidth: 14, itemStyle: { color: "#334e68" },
          label: { show: d.actual != null, position: "insideRight", color: "#fff", fontSize: 11,
                   formatter: function () { return fmt(d.actual); } },
          markArea: { silent: true, itemStyle: { color: "rgba(179,38,30,0.16)" },
                      label: { show: false },
                      data: d.low != null ? [[{ xAxis: d.low, name: d.labels.range }, { xAxis: d.high }]] : [] },
          markLine: { silent: true, symbol: "none", lineStyle: { color: "#b3261e", width: 3, type: "solid" },
                      label: { formatter: function () { return d.labels.target + ": " + fmt(d.target) + " " + d.labels.unit; }, fontSize: 11 },
                      data: d.target != null ? [{ xAxis: d.target }] : [] } },
        { type: "scatter", symbol: "diamond", symbolSize: 12, itemStyle: { color: "#b3261e" },
          data: d.central != null ? [[d.central, 0]] : [] },
      ],
    });
  });

  var trend = read("trend-data");
  var trendEl = document.getElementById("trend-chart");
  if (trend && trendEl && (trend.years.length || trend.targets.length)) {
    var years = trend.years.map(Number);
    trend.targets.forEach(function (t) { if (years.indexOf(t.year) < 0) years.push(t.year); });
    years.sort();
    var at = function (y) { return String(y); };
    var actual = years.map(function (y) { var i = trend.years.indexOf(at(y)); return i < 0 ? null : trend.values[i]; });
    var target = years.map(function (y) { var t = trend.targets.filter(function (x) { return x.year === y; })[0]; return t ? t.target : null; });
    var central = years.map(function (y) { var t = trend.targets.filter(function (x) { return x.year === y; })[0]; return t ? t.central : null; });
    var range = trend.targets.filter(function (t) { return t.low != null; }).map(function (t) {
      return [years.indexOf(t.year), t.low, t.high];
    });
    init(trendEl).setOption({
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: years.map(at) },
      yAxis: { type: "value", name: trend.unit, scale: true },
      // a trend or a projected range only for targets still ahead (none for a year that is over)
      series: [
        { name: trend.labels.actual, type: "line", data: actual, connectNulls: true, symbolSize: 7,
          itemStyle: { color: "#334e68" } },
        { name: trend.labels.target, type: "scatter", data: target, symbol: "rect", symbolSize: 14,
          itemStyle: { color: "#b3261e" } },
      ].concat(central.some(function (v) { return v != null; }) ? [
        { name: trend.labels.trend, type: "scatter", data: central, symbol: "diamond", symbolSize: 11,
          itemStyle: { color: "#9f580a" } },
      ] : []).concat(range.length ? [
        { name: trend.labels.range, type: "custom", data: range, itemStyle: { color: "#9f580a" },
          renderItem: function (params, api) {
            var x = api.value(0), lo = api.coord([x, api.value(1)]), hi = api.coord([x, api.value(2)]);
            return { type: "group", children: [
              { type: "line", shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: { stroke: "#9f580a", lineWidth: 2 } },
              { type: "line", shape: { x1: lo[0] - 6, y1: lo[1], x2: lo[0] + 6, y2: lo[1] }, style: { stroke: "#9f580a", lineWidth: 2 } },
              { type: "line", shape: { x1: hi[0] - 6, y1: hi[1], x2: hi[0] + 6, y2: hi[1] }, style: { stroke: "#9f580a", lineWidth: 2 } },
            ] };
          } },
      ] : []),
    });
  }

  var pipe = read("pipeline-data");
  var pipeEl = document.getElementById("pipeline-chart");
  if (pipe && pipeEl) {
    if (!pipe.years.length) { pipeEl.style.display = "none"; }
    else {
      init(pipeEl).setOption({
        animation: false,
        title: { text: pipe.label, textStyle: { fontSize: 12, fontWeight: "normal" } },
        tooltip: { trigger: "axis", confine: true },
        grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
        xAxis: { type: "category", data: pipe.years.map(String) },
        yAxis: { type: "value" },
        series: [{ type: "bar", data: pipe.years.map(function (y, i) {
          return { value: pipe.values[i], itemStyle: { color: y <= pipe.target_year ? "#b3261e" : "#9aa5b1" } };
        }) }],
      });
    }
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
