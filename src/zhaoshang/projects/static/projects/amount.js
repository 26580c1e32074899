// The project form's amount fields: a bare number ("30") is answered with two readings
// (30万元 / 30亿元); clicking one writes it into the field, which re-reads it (htmx).
// Loaded by the answer itself (projects/_parsed_amount.html), so once per page is enough.
(function () {
  "use strict";
  if (window.zsAmountChoice) {
    return;
  }
  window.zsAmountChoice = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-amount-choice]");
    if (!button) {
      return;
    }
    var input = document.getElementById(button.getAttribute("data-for"));
    if (!input) {
      return;
    }
    input.value = button.getAttribute("data-amount-choice");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
})();
