// The header menu is a <details> that CSS keeps open on wide screens (::details-content).
// Browsers without that selector get the same by opening it here; on a phone it stays folded.
(function () {
  "use strict";
  var menu = document.querySelector("[data-site-menu]");
  if (!menu || (window.CSS && CSS.supports && CSS.supports("selector(::details-content)"))) {
    return;
  }
  var wide = window.matchMedia("(min-width: 56rem)");
  function sync() {
    menu.open = wide.matches;
  }
  sync();
  wide.addEventListener("change", sync);
})();
