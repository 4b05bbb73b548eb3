// Drag-and-drop for evidence files. Progressive enhancement: the page works with the plain
// <input type="file">; with JavaScript, files can also be dropped on the zone, the chosen names
// are announced (aria-live), and a file over the size limit is flagged before it is sent, so the
// text the participant typed is never lost to a refused upload.
(function () {
  "use strict";
  document.querySelectorAll(".drop-zone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var chosen = zone.querySelector(".drop-zone-chosen");
    var hint = zone.querySelector(".drop-zone-hint");
    var maxBytes = parseInt(zone.getAttribute("data-max-bytes"), 10) || 0;
    var tooLarge = zone.getAttribute("data-too-large") || "";
    if (!input || !chosen) {
      return;
    }
    if (hint && "DataTransfer" in window) {
      hint.hidden = false;
    }

    function describe() {
      var names = [];
      var oversize = false;
      Array.prototype.forEach.call(input.files, function (file) {
        names.push(file.name);
        if (maxBytes && file.size > maxBytes) {
          oversize = true;
        }
      });
      chosen.textContent = names.join(", ");
      input.setCustomValidity(oversize ? tooLarge : "");
      input.setAttribute("aria-invalid", oversize ? "true" : "false");
      if (oversize) {
        chosen.textContent = tooLarge;
      }
    }

    input.addEventListener("change", describe);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("is-dragging");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        describe();
        input.focus();
      }
    });

    var form = zone.closest("form");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!input.checkValidity()) {
          event.preventDefault();
          input.focus();
        }
      });
    }
  });
})();
