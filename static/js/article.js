// The article page's two requests of its own. The page is the same for every
// reader (and may come from nginx or a CDN), so what is per reader happens here:
// 1. One reading is counted once the page is shown to a person (a prerendered
//    page waits until it is shown); where Django answers, the fresh count
//    replaces the cached one.
//    The number is the archive's own count ("… · here: N"); the source's
//    count beside it never changes and is not touched.
// 2. When the reader first uses the comment form, a signed time is fetched for
//    its hidden "issued" field: the server's minimum fill time counts from then.
// Without this script the page still works: the count is the one cached with
// the page, and a first comment comes back with a stamp and its text kept.
(function () {
  "use strict";

  // Django answers with the fresh count; behind nginx the proxy logs the
  // reading and answers 204 with no body (the page keeps its cached count).
  function postJSON(url) {
    return fetch(url, { method: "POST", credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.status === 200 ? response.json() : null;
    });
  }

  var counter = document.querySelector(".view-count[data-read-url]");
  if (counter) {
    var count = function () {
      postJSON(counter.dataset.readUrl)
        .then(function (data) {
          if (data && typeof data.views === "number") {
            counter.textContent = String(data.views);
          }
        })
        .catch(function () {});
    };
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", count, { once: true });
    } else {
      count();
    }
  }

  var form = document.querySelector("form.comment-form[data-stamp-url]");
  if (form) {
    var field = form.querySelector('input[name="issued"]');
    var asked = false;
    var ask = function () {
      if (asked || !field || field.value) {
        return;
      }
      asked = true;
      fetch(form.dataset.stampUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && data.stamp && !field.value) {
            field.value = data.stamp;
          }
        })
        .catch(function () {
          asked = false;
        });
    };
    form.addEventListener("focusin", ask);
    form.addEventListener("input", ask);
  }
})();
