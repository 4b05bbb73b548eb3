// Live progress of a bulk award: polls progress.json and updates the bar, summary and rows.
// Without JavaScript the page still works through its Refresh link.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var root = document.querySelector("[data-progress-url]");
  if (!root) {
    return;
  }
  var bar = document.getElementById("bulk-progress");
  var summary = document.getElementById("bulk-summary");
  var refresh = root.querySelector(".bulk-refresh");
  var lastText = summary ? summary.textContent.trim() : "";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  function render(data) {
    var finished = data.issued + data.failed;
    bar.max = Math.max(data.total, 1);
    bar.value = finished;
    bar.textContent = finished + " / " + data.total;
    var text = fill(root.dataset.summary, {
      done: finished, total: data.total, issued: data.issued, failed: data.failed
    });
    if (data.state === "done") {
      text += " " + root.dataset.doneText;
    }
    if (text !== lastText) {  // change the live region only when there is news
      summary.textContent = text;
      lastText = text;
    }
    data.rows.forEach(function (row) {
      var cell = root.querySelector('[data-line="' + row.line + '"]');
      var label = root.getAttribute("data-label-" + row.status);
      if (cell && label && cell.textContent !== label) {
        cell.textContent = label;
        cell.className = "bulk-status bulk-status-" + row.status;
      }
    });
    return data.state !== "done";
  }

  function poll() {
    fetch(root.dataset.progressUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (render(data)) {
          window.setTimeout(poll, POLL_MS);
        } else if (refresh) {
          refresh.hidden = true;
        }
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS * 4);  // the server may be busy; try again later
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
