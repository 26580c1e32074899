// Folding on a narrow screen: the main menu behind the "Menu" button (the header then takes
// one row) and a page's filter form behind its "Filter" button (the first screen shows the
// results). Without this file everything simply stays open. CSS decides the width at which
// the buttons show and the parts fold; this file marks the parts as foldable and
// opens/closes them.
(function () {
  "use strict";

  function fold(button, box, onToggle) {
    box.classList.add("foldable");
    button.hidden = false;
    var open = box.hasAttribute("data-open");
    box.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.addEventListener("click", function () {
      var now = box.classList.toggle("open");
      button.setAttribute("aria-expanded", now ? "true" : "false");
      if (onToggle) onToggle(now);
    });
  }

  // the main menu: the header is the box (its nav and its tools fold together)
  var header = document.querySelector("header.top");
  var menu = header && header.querySelector(".menu-toggle");
  if (menu && document.getElementById("main-nav")) {
    fold(menu, header);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("open")) {
        header.classList.remove("open");
        menu.setAttribute("aria-expanded", "false");
        menu.focus();
      }
    });
  }

  // any other fold: <button class="fold-toggle" aria-controls="id" hidden> and the box
  // with that id (data-open on the box: start open, e.g. when it shows an error)
  Array.prototype.forEach.call(document.querySelectorAll("button.fold-toggle[aria-controls]"),
    function (button) {
      var box = document.getElementById(button.getAttribute("aria-controls"));
      if (box) fold(button, box);
    });
})();
