// Monthly entry.
// - Groups and pages: the grid shows one group (to report / reported / all) a page of 20
//   rows at a time, or the rows a search finds. Rows only hide: every row stays in the one
//   form, so its values are kept and one save still sends every row (all or nothing).
// - Keys, like a spreadsheet: Enter or ArrowDown: same column, next project (on to the
//   next page); ArrowUp: previous project; Ctrl+Enter (or Cmd+Enter): save;
//   Alt+ArrowDown: copy last month's figure into the field.
// - The status bar says how many fields changed since the page loaded; leaving with
//   unsaved changes asks first.
(function () {
  "use strict";
  var table = document.querySelector("table.entry-grid");
  if (!table) return;
  var form = document.getElementById("entry-form");
  var words = document.getElementById("entry-words").dataset;
  var groupsNav = document.getElementById("entry-groups");
  var pager = document.getElementById("entry-pager");
  var find = document.getElementById("entry-find");
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-group]"));
  var size = parseInt(table.getAttribute("data-page-size"), 10) || 20;
  var state = { group: "all", page: 0, text: "" };

  function inGroup(row) {
    if (state.text) {
      return row.getAttribute("data-find").toLowerCase().indexOf(state.text) !== -1;
    }
    return state.group === "all" || row.getAttribute("data-group") === state.group;
  }

  function chosen() {
    return rows.filter(inGroup);
  }

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  function button(label, page, current) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.setAttribute("data-page", page);
    if (current) b.setAttribute("aria-current", "true");
    return b;
  }

  function draw() {
    var shown = chosen();
    var pages = Math.max(1, Math.ceil(shown.length / size));
    if (state.page >= pages) state.page = pages - 1;
    var first = state.page * size;
    rows.forEach(function (row) { row.classList.add("page-hidden"); });
    shown.slice(first, first + size).forEach(function (row) { row.classList.remove("page-hidden"); });
    if (groupsNav) {
      Array.prototype.forEach.call(groupsNav.querySelectorAll("a[data-group]"), function (a) {
        a.setAttribute("aria-current", !state.text && a.getAttribute("data-group") === state.group ? "true" : "false");
      });
    }
    if (!pager) return;
    pager.textContent = "";
    if (!shown.length) {
      var none = document.createElement("span");
      none.className = "muted";
      none.textContent = words.none;
      pager.appendChild(none);
      return;
    }
    if (pages > 1) {
      if (state.page > 0) pager.appendChild(button("‹ " + words.prev, state.page - 1, false));
      for (var i = 0; i < pages; i++) pager.appendChild(button(String(i + 1), i, i === state.page));
      if (state.page < pages - 1) pager.appendChild(button(words.next + " ›", state.page + 1, false));
    }
    var where = document.createElement("span");
    where.className = "muted";
    where.textContent = format(words.page, { n: state.page + 1, total: pages });
    pager.appendChild(where);
  }

  // show the page that holds `row` (in the current group, else among all rows)
  function reveal(row) {
    if (!inGroup(row)) { state.group = "all"; state.text = ""; if (find) find.value = ""; }
    state.page = Math.floor(chosen().indexOf(row) / size);
    draw();
  }

  if (groupsNav) {
    groupsNav.hidden = false;
    groupsNav.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-group]");
      if (!link) return;
      event.preventDefault();
      state.group = link.getAttribute("data-group");
      state.text = "";
      state.page = 0;
      if (find) find.value = "";
      draw();
    });
  }
  if (pager) {
    pager.hidden = false;
    pager.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-page]");
      if (!b) return;
      state.page = parseInt(b.getAttribute("data-page"), 10);
      draw();
      table.scrollIntoView({ block: "start" });
    });
  }
  if (find) {
    find.addEventListener("input", function () {
      state.text = find.value.trim().toLowerCase();
      state.page = 0;
      draw();
    });
  }

  // open on the work: the group holding an error, else "to report" if any, else all
  var wrong = table.querySelector("tbody tr.has-error");
  var todo = rows.some(function (r) { return r.getAttribute("data-group") === "todo"; });
  state.group = todo ? "todo" : "all";
  if (wrong) reveal(wrong); else draw();

  if (!form) return;

  // ---- keys
  function cell(row, col) {
    return row ? row.querySelector('input[data-col="' + col + '"]') : null;
  }

  function focus(input) {
    if (!input) return;
    var row = input.closest("tr");
    if (row.classList.contains("page-hidden")) reveal(row);
    input.focus();
    input.select();
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-col]")) return;
    var list = chosen();
    var at = list.indexOf(input.closest("tr"));
    var col = input.getAttribute("data-col");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    } else if (event.key === "ArrowDown" && event.altKey) {
      event.preventDefault();
      var prev = input.parentNode.querySelector(".prev");
      if (prev && prev.getAttribute("data-value")) {
        input.value = prev.getAttribute("data-value");
        input.select();
        changed();
      }
    } else if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      focus(cell(list[at + 1], col));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      focus(cell(list[at - 1], col));
    }
  });

  // ---- unsaved changes
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-col]"));
  var dirtyNote = document.getElementById("entry-dirty");
  var dirty = 0;
  var submitting = false;

  function changed() {
    dirty = inputs.filter(function (i) { return i.value !== i.defaultValue; }).length;
    if (!dirtyNote) return;
    dirtyNote.hidden = dirty === 0;
    dirtyNote.textContent = dirty === 1 ? words.dirtyOne : format(words.dirtyMany, { n: dirty });
  }

  form.addEventListener("input", changed);
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = words.leave;
      return words.leave;
    }
  });

  // start where the work is: a field with an error, else the first empty amount shown
  var start = table.querySelector("tr.has-error input[aria-invalid=true]") ||
    table.querySelector("tr.has-error input[data-col]") ||
    Array.prototype.find.call(table.querySelectorAll('tbody tr:not(.page-hidden) input[data-col="0"]'),
      function (i) { return i.value === ""; }) ||
    table.querySelector('tbody tr:not(.page-hidden) input[data-col="0"]');
  if (start) {
    start.focus({ preventScroll: true });
    start.select();
  }
  changed();
})();
