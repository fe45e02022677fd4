// The translation desk (templates/admin/articles/article/translate.html):
// marks a pair whose box was changed and not saved yet, grows a box to its
// text, asks before leaving the page with changes not saved, and keeps what
// is typed in localStorage, so that after a crash or a closed tab the box
// gets it back — as long as the saved text it was typed over is unchanged.
(function () {
  "use strict";
  var form = document.getElementById("translate-form");
  if (!form) {
    return;
  }
  var note = form.getAttribute("data-unsaved-note") || "";
  var restoredNote = form.getAttribute("data-restored-note") || "";
  var prefix = "newsroom.translate." + location.pathname + ".";
  var submitting = false;
  var restored = 0;

  function store(box) {
    try {
      if (box.value === box.defaultValue) {
        localStorage.removeItem(prefix + box.name);
      } else {
        localStorage.setItem(prefix + box.name, JSON.stringify({ base: box.defaultValue, text: box.value }));
      }
    } catch (error) {
      // Storage full or refused: the page still warns before leaving.
    }
  }

  function restore(box) {
    var kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(prefix + box.name) || "null");
    } catch (error) {
      kept = null;
    }
    if (!kept || kept.base !== box.defaultValue || kept.text === box.defaultValue) {
      try {
        localStorage.removeItem(prefix + box.name);
      } catch (error) {
        // nothing kept
      }
      return;
    }
    box.value = kept.text;
    restored += 1;
  }

  function grow(box) {
    box.style.height = "auto";
    box.style.height = box.scrollHeight + 2 + "px";
  }

  function edited() {
    return Array.prototype.some.call(form.querySelectorAll("textarea"), function (box) {
      return box.value !== box.defaultValue;
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (box) {
    var pair = box.closest(".tr-pair");
    var badge = pair && pair.querySelector(".tr-badge");
    if (badge) {
      badge.setAttribute("data-edited", note);
    }
    restore(box);
    if (pair) {
      pair.classList.toggle("is-edited", box.value !== box.defaultValue);
    }
    grow(box);
    box.addEventListener("input", function () {
      grow(box);
      store(box);
      if (pair) {
        pair.classList.toggle("is-edited", box.value !== box.defaultValue);
      }
    });
  });
  if (restored) {
    var notice = document.createElement("p");
    notice.className = "tr-restored";
    notice.setAttribute("role", "status");
    notice.textContent = restoredNote + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button tr-discard";
    discard.textContent = form.getAttribute("data-discard-label") || "";
    discard.addEventListener("click", function () {
      Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (box) {
        box.value = box.defaultValue;
        store(box);
        grow(box);
        var pair = box.closest(".tr-pair");
        if (pair) {
          pair.classList.remove("is-edited");
        }
      });
      notice.remove();
    });
    notice.appendChild(discard);
    form.insertBefore(notice, form.firstChild);
  }

  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && edited()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
