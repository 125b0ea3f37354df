// Fill the time-zone select with the browser's zone, unless the person already chose one.
(function () {
  "use strict";
  var select = document.querySelector("select[data-booking-timezone]");
  if (!select || select.form === null) { return; }
  if (select.hasAttribute("data-chosen")) { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  if (!zone || select.value === zone) { return; }
  var known = Array.prototype.some.call(select.options, function (option) { return option.value === zone; });
  if (!known) { return; }
  select.value = zone;
  // Show the times in that zone at once; the server remembers it in the session.
  select.form.submit();
})();
