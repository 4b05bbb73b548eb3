// "Copy link" buttons on the backpack page. Progressive enhancement: the link is always shown as
// text; the button appears only when the Clipboard API is available, and an aria-live region
// announces the result.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  var messages = document.getElementById("copy-messages");
  var status = document.getElementById("copy-status");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () { status.textContent = messages.getAttribute("data-copied"); },
        function () { status.textContent = messages.getAttribute("data-failed"); }
      );
    });
  });
})();
