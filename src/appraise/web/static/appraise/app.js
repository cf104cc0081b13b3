// Charts: every <div data-chart="ID"> gets the ECharts option in <script id="ID"
// type="application/json"> (written by Django's json_script). Run on load and after htmx swaps.
(function () {
  "use strict";

  function draw(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) return;
      var option = JSON.parse(src.textContent);
      if (!option || !option.series) return;
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
      option.animation = false;
      chart.setOption(option, true);
      el.setAttribute("data-drawn", "1");
    });
  }

  function resize() {
    document.querySelectorAll("[data-drawn]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  }

  // No inline handlers (the Content-Security-Policy refuses them): a <select data-autosubmit>
  // sends its form when changed; a form with data-go="/me/" goes to /me/<value>/ instead.
  document.addEventListener("change", function (e) {
    var select = e.target.closest && e.target.closest("select[data-autosubmit]");
    if (!select || !select.form) return;
    var go = select.form.getAttribute("data-go");
    if (go) {
      location.href = go + encodeURIComponent(select.value) + "/";
    } else {
      select.form.submit();
    }
  });
  document.addEventListener("submit", function (e) {
    var go = e.target.getAttribute && e.target.getAttribute("data-go");
    var select = go && e.target.querySelector("select[data-autosubmit]");
    if (!select) return;
    e.preventDefault();
    location.href = go + encodeURIComponent(select.value) + "/";
  });

  // A step that cannot be taken back asks first: a form (or the button that sends it) with
  // data-confirm="question" is sent only when the person says yes. htmx's hx-confirm asks only
  // for the requests htmx sends, and these forms are plain POSTs that answer with a redirect.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var button = e.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
  window.addEventListener("resize", resize);

  // The editor's problems point at a line: a click selects that line in the text.
  document.addEventListener("click", function (e) {
    var link = e.target.closest("[data-line]");
    if (!link) return;
    var area = document.getElementById("scheme-text");
    if (!area) return;
    e.preventDefault();
    var n = parseInt(link.getAttribute("data-line"), 10);
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[n - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (n - 5) * lineHeight);
  });
})();
