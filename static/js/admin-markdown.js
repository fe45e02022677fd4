/* Live preview of a section's body in the article form (articles/admin.py, SectionInline.preview).
 *
 * As the editor types in a body, its heading or its level, the section's
 * text is sent to the server's own renderer (ArticleAdmin.markdown_preview_view,
 * the same Markdown and sanitiser the site uses) and the preview below the
 * field is replaced with the answer. Sections added on the page by
 * django-nested-admin are covered too: events are caught on the document and
 * each section's fields are found from the name of the field that changed.
 */
(function () {
  "use strict";

  var DELAY = 350;
  var FIELD = /^(.*)-(body_zh_hans|body_en|heading_zh_hans|heading_en|level)$/;
  var pending = new WeakMap();
  var sent = new WeakMap();

  function named(form, name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function csrfToken(element) {
    var owner = element.form || document;
    var input = owner.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function sectionOf(field) {
    var match = FIELD.exec(field.name || "");
    if (!match || match[1].indexOf("__prefix__") !== -1) {
      return null;
    }
    var form = field.closest(".djn-inline-form, .inline-related");
    var live = form && form.querySelector(".markdown-live");
    return live ? { prefix: match[1], form: form, live: live, field: field } : null;
  }

  function show(live, note) {
    var status = live.querySelector(".markdown-preview-note");
    if (status) {
      status.textContent = note;
    }
  }

  function refresh(section) {
    var live = section.live;
    var data = new FormData();
    var heading = "";
    ["zh_hans", "en"].forEach(function (language) {
      var body = named(section.form, section.prefix + "-body_" + language);
      var title = named(section.form, section.prefix + "-heading_" + language);
      if (body) {
        data.append("body_" + language, body.value);
      }
      if (title) {
        heading += title.value;
      }
    });
    var level = named(section.form, section.prefix + "-level");
    data.append("level", level ? level.value : "");
    data.append("heading", heading);
    var number = (sent.get(live) || 0) + 1;
    sent.set(live, number);
    fetch(live.dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(section.field), "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    }).then(function (answer) {
      if (sent.get(live) !== number) {
        return; // a later keystroke's answer is on its way
      }
      Object.keys(answer.html || {}).forEach(function (language) {
        var target = live.querySelector('.markdown-preview[data-language="' + language + '"] .markdown-preview-body');
        if (target) {
          // Sanitised by the server (articles.markup), as on the site.
          target.innerHTML = answer.html[language] || "—";
        }
      });
      live.classList.remove("is-failed");
      show(live, live.dataset.liveNote);
    }).catch(function () {
      if (sent.get(live) === number) {
        live.classList.add("is-failed");
        show(live, live.dataset.failedNote);
      }
    });
  }

  function schedule(event) {
    if (event.type === "change" && event.target.tagName !== "SELECT") {
      return; // text fields were sent as they were typed
    }
    var section = sectionOf(event.target);
    if (!section) {
      return;
    }
    clearTimeout(pending.get(section.live));
    pending.set(section.live, setTimeout(function () { refresh(section); }, DELAY));
  }

  document.addEventListener("input", schedule);
  document.addEventListener("change", schedule);
})();
