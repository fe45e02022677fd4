// The article change form's safety net (issue 13):
// - the text typed into the form is kept in this browser (localStorage) as it
//   is typed, and offered back when the form is opened again after a crash or
//   a closed tab; it is forgotten once a save succeeds;
// - leaving the form with unsaved changes asks first (beforeunload);
// - while a colleague has the article open, a notice at the top says who
//   (the desk app's heartbeat, /admin/desk/editsession/heartbeat/).
// Strings come from the admin's JavaScript catalog (djangojs domain).
(function () {
  "use strict";

  const DRAFTS = "newsroom.draft.";
  const SUBMITTED = "newsroom.desk.submitted";
  const TAB = "newsroom.desk.tab";
  const SAVE_AFTER_MS = 400;
  const FORGET_AFTER_MS = 30 * 24 * 3600 * 1000;
  const TEXT_TYPES = new Set(["text", "search", "url", "email", "tel", "number"]);

  const gettext = window.gettext || ((text) => text);
  const interpolate = window.interpolate || ((text) => text);

  function storage(kind) {
    try {
      const store = window[kind];
      store.getItem("x");
      return store;
    } catch (error) {
      return null; // storage switched off: the form works as before
    }
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");

  function readJSON(store, key) {
    try {
      return JSON.parse(store.getItem(key));
    } catch (error) {
      return null;
    }
  }

  // ---- After a submit: forget the draft once the admin says it saved ----

  function settleLastSubmit(form) {
    if (!session) return null;
    const submitted = readJSON(session, SUBMITTED);
    session.removeItem(SUBMITTED);
    if (!submitted) return null;
    const saved = document.querySelector(".messagelist .success") && !document.querySelector(".errornote");
    if (saved && local && submitted.key) local.removeItem(submitted.key);
    return submitted;
  }

  // ---- The form's text fields, named so they survive reordering ----

  // The inline forms' order numbers are kept by the drag-and-drop script
  // (renumbered whenever a form is added), not typed: never part of a draft.
  const ORDER_FIELD = /-position$/;

  function isText(element) {
    if (!element.name || element.name.includes("__prefix__") || element.disabled || element.readOnly) return false;
    if (ORDER_FIELD.test(element.name)) return false;
    if (element.tagName === "TEXTAREA") return true;
    return element.tagName === "INPUT" && TEXT_TYPES.has(element.type);
  }

  function textFields(form) {
    return Array.from(form.elements).filter(isText);
  }

  // "sections-0-figures-1-caption_en" -> "sections-#12-figures-#40-caption_en":
  // forms already saved are named by their id, so the text goes back into the
  // same section or figure even if the order changed; new forms keep their index.
  function identity(form, name) {
    const parts = name.split("-");
    const named = parts.slice();
    for (let i = 1; i < parts.length - 1; i++) {
      if (!/^\d+$/.test(parts[i])) continue;
      const key = form.elements.namedItem(parts.slice(0, i + 1).join("-") + "-id");
      if (key && key.value) named[i] = "#" + key.value;
    }
    return named.join("-");
  }

  function formCount(form, prefix) {
    const total = form.elements.namedItem(prefix + "-TOTAL_FORMS");
    return total ? parseInt(total.value, 10) || 0 : 0;
  }

  function addInlineForm(form, prefix) {
    const before = formCount(form, prefix);
    const group = document.getElementById(prefix + "-group");
    if (!group) return null;
    // The group's own "Add another" link, not one of a nested group inside it.
    const handler = Array.from(group.querySelectorAll(".djn-add-handler")).find(
      (link) => link.closest(".djn-group") === group,
    );
    if (!handler) return null;
    handler.click();
    return formCount(form, prefix) > before ? String(before) : null;
  }

  // The field an identity names in the form as it is now, or null if it is
  // gone. With `created`, inline forms are added for text typed into forms
  // that were never saved (remembered in `created`, one per draft form).
  function resolve(form, ident, created) {
    const parts = ident.split("-");
    for (let i = 1; i < parts.length - 1; i++) {
      const prefix = parts.slice(0, i).join("-");
      if (parts[i].startsWith("#")) {
        const id = parts[i].slice(1);
        let found = null;
        for (let index = 0; index < formCount(form, prefix); index++) {
          const key = form.elements.namedItem(`${prefix}-${index}-id`);
          if (key && key.value === id) found = String(index);
        }
        if (found === null) return null;
        parts[i] = found;
      } else if (/^\d+$/.test(parts[i])) {
        if (!created) continue;
        const wanted = `${prefix}-${parts[i]}`;
        if (!(wanted in created)) created[wanted] = addInlineForm(form, prefix);
        if (created[wanted] === null) return null;
        parts[i] = created[wanted];
      }
    }
    const element = form.elements.namedItem(parts.join("-"));
    return element && isText(element) ? element : null;
  }

  // ---- Notices at the top of the form, in the admin's message style ----

  // At the top of the form, below the page's title and its History / View on
  // site buttons (which float up beside the title): who else is editing,
  // then the kept draft.
  const NOTICE_ORDER = ["desk-presence", "desk-draft"];

  function noticeList(id) {
    let list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "messagelist desk-notices";
      const form = document.getElementById("article_form");
      const place = NOTICE_ORDER.indexOf(id);
      const shown = (ids) => ids.map((other) => document.getElementById(other)).filter(Boolean);
      const before = shown(NOTICE_ORDER.slice(0, place)).pop();
      if (before) before.after(list);
      else form.prepend(list);
    }
    return list;
  }

  function clearNotice(id) {
    const list = document.getElementById(id);
    if (list) list.remove();
  }

  function timeOf(milliseconds) {
    const moment = new Date(milliseconds);
    const lang = document.documentElement.lang || undefined;
    const time = moment.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hour12: false });
    if (moment.toDateString() === new Date().toDateString()) return time;
    return moment.toLocaleDateString(lang, { month: "short", day: "numeric" }) + " " + time;
  }

  // ---- Drafts ----

  function draftKey(article, version) {
    return `${DRAFTS}${article}.${version}`;
  }

  function draftsOf(article) {
    const found = [];
    if (!local) return found;
    for (let i = 0; i < local.length; i++) {
      const key = local.key(i);
      if (!key || !key.startsWith(DRAFTS)) continue;
      const draft = readJSON(local, key);
      if (!draft || typeof draft.fields !== "object" || !draft.at) {
        continue;
      }
      if (Date.now() - draft.at > FORGET_AFTER_MS) {
        found.push({ key, draft, old: true });
      } else if (key.startsWith(`${DRAFTS}${article}.`)) {
        found.push({ key, draft });
      }
    }
    found.filter((item) => item.old).forEach((item) => local.removeItem(item.key));
    return found.filter((item) => !item.old).sort((a, b) => b.draft.at - a.draft.at);
  }

  function startDrafts(form, article, state) {
    const versionInput = form.elements.namedItem("loaded_version");
    const version = versionInput ? versionInput.value : "";
    const key = draftKey(article, version);
    const initial = {};
    textFields(form).forEach((element) => {
      initial[identity(form, element.name)] = element.value;
    });
    let working = {};
    let timer = null;
    let replaced = null; // a draft kept under an earlier version, folded into this one

    function persist() {
      clearTimeout(timer);
      timer = null;
      if (!local) return;
      try {
        if (Object.keys(working).length) {
          local.setItem(key, JSON.stringify({ at: Date.now(), version, path: location.pathname, fields: working }));
        } else {
          local.removeItem(key);
        }
        if (replaced && replaced !== key) local.removeItem(replaced);
        replaced = null;
      } catch (error) {
        // Storage full: the text stays in the form; leaving still asks first.
      }
    }

    function noteChange(element) {
      if (!isText(element)) return;
      const ident = identity(form, element.name);
      const was = ident in working ? working[ident].was : initial[ident];
      if (element.value === was && !state.offered) delete working[ident];
      else working[ident] = { was: was === undefined ? "" : was, now: element.value };
      clearTimeout(timer);
      timer = setTimeout(persist, SAVE_AFTER_MS);
    }

    form.addEventListener("input", (event) => noteChange(event.target));
    form.addEventListener("change", (event) => noteChange(event.target));
    state.flushDraft = () => {
      if (timer) persist(); // only what changed since the last write, so a draft keeps its time
    };
    state.draftKey = key;

    // A kept draft for this form: the one for the version on screen, or one
    // typed on an earlier version of the article.
    const drafts = draftsOf(article);
    const kept = drafts.find((item) => item.key === key) || drafts[0];
    if (!kept) return;
    const differs = Object.entries(kept.draft.fields).some(([ident, field]) => {
      const element = resolve(form, ident, null);
      return !element || element.value !== field.now;
    });
    if (!differs) {
      // What the server shows already has it (a refused save shows what was
      // sent): carry on from it.
      if (kept.key === key) working = kept.draft.fields;
      else local.removeItem(kept.key);
      return;
    }
    working = Object.assign({}, kept.draft.fields);
    replaced = kept.key;
    state.offered = true;
    offer(kept);

    function offer(item) {
      const list = noticeList("desk-draft");
      list.replaceChildren();
      const notice = document.createElement("li");
      notice.className = "warning";
      const text = document.createElement("span");
      text.textContent =
        gettext("Text you typed in this form was not saved.") +
        (item.draft.version !== version ? " " + gettext("The article has been saved again since.") : "") +
        " ";
      const restore = document.createElement("button");
      restore.type = "button";
      restore.className = "button desk-restore";
      restore.textContent = interpolate(
        gettext("Restore the text you typed at %(time)s"),
        { time: timeOf(item.draft.at) },
        true,
      );
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button desk-discard";
      discard.textContent = gettext("Discard");
      notice.append(text, restore, " ", discard);
      list.append(notice);
      restore.addEventListener("click", () => restoreDraft(item));
      discard.addEventListener("click", () => {
        working = {};
        textFields(form).forEach((element) => {
          const ident = identity(form, element.name);
          if (element.value !== initial[ident]) working[ident] = { was: initial[ident] || "", now: element.value };
        });
        state.offered = false;
        local.removeItem(item.key);
        persist();
        clearNotice("desk-draft");
      });
    }

    function restoreDraft(item) {
      const created = {};
      const missing = [];
      let conflict = false;
      const placed = [];
      Object.entries(item.draft.fields).forEach(([ident, field]) => {
        const element = resolve(form, ident, created);
        if (!element) {
          if (field.now) missing.push(field.now);
          return;
        }
        // Someone else changed this very field after the draft was typed.
        if (item.draft.version !== version && ident in initial && initial[ident] !== field.was) conflict = true;
        placed.push([element, field.now]);
      });
      placed.forEach(([element, value]) => {
        element.value = value;
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
      // Listeners such as the slug's prepopulation may have rewritten a
      // restored field: what was typed wins.
      placed.forEach(([element, value]) => {
        element.value = value;
      });
      if (conflict && versionInput) {
        // Saving now would overwrite a colleague's later text in the same
        // field: keep the version the text was typed on, so the save is
        // refused by the conflict check with everything kept in the form.
        versionInput.value = item.draft.version;
      }
      // From now on the draft holds only what differs from the saved text, so
      // once a save has it the draft matches the form and is let go.
      working = {};
      state.offered = false;
      textFields(form).forEach((element) => noteChange(element));
      state.touched = true;
      persist();
      const list = noticeList("desk-draft");
      list.replaceChildren();
      const notice = document.createElement("li");
      notice.className = conflict || missing.length ? "warning" : "info";
      notice.textContent = conflict
        ? gettext(
            "Your text is back in the form, not saved yet. Someone else has since changed the same fields: " +
              "saving will say who; copy what you need, then reload the page.",
          )
        : gettext("Your text is back in the form. It is not saved yet.");
      if (missing.length) {
        const rest = document.createElement("p");
        rest.textContent = gettext("Some of it belonged to parts of the article that are no longer there:");
        const area = document.createElement("textarea");
        area.readOnly = true;
        area.rows = 4;
        area.className = "vLargeTextField desk-leftovers";
        area.value = missing.join("\n\n");
        notice.append(rest, area);
      }
      list.append(notice);
    }
  }

  // ---- Leaving asks first ----

  function serialise(form) {
    return Array.from(form.elements)
      .filter((element) => element.name && element.type !== "file" && !element.name.includes("__prefix__"))
      .map((element) =>
        element.type === "checkbox" || element.type === "radio"
          ? `${element.name}=${element.checked}`
          : `${element.name}=${element.value}`,
      )
      .join("\n");
  }

  function guardLeaving(form, state) {
    const initial = serialise(form);
    const touch = () => {
      state.touched = true;
    };
    form.addEventListener("input", touch);
    form.addEventListener("change", touch);
    form.addEventListener("click", (event) => {
      if (event.target.closest(".djn-add-handler, .djn-remove-handler, .djn-delete-handler")) touch();
    });
    window.addEventListener("beforeunload", (event) => {
      if (state.submitting || !state.touched || serialise(form) === initial) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers show the dialog only with it
    });
  }

  // ---- Who else has the article open ----

  function tabName() {
    let name = session && session.getItem(TAB);
    if (!name) {
      const bytes = new Uint8Array(12);
      window.crypto.getRandomValues(bytes);
      name = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      if (session) session.setItem(TAB, name);
    }
    return name;
  }

  function heartbeatURL() {
    // The heartbeat lives beside the admin's JavaScript catalog, which every
    // admin form loads: /admin/jsi18n/ -> /admin/desk/editsession/heartbeat/.
    const catalog = document.querySelector('script[src*="jsi18n"]');
    const base = catalog ? new URL(catalog.src, location.href) : new URL("/admin/jsi18n/", location.href);
    return new URL("../desk/editsession/heartbeat/", base).href;
  }

  function token() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function leave(url, article, tab, csrf) {
    if (!navigator.sendBeacon || !csrf) return;
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("article", article);
    data.append("tab", tab);
    data.append("leave", "1");
    navigator.sendBeacon(url, data);
  }

  function showColleagues(notices) {
    if (!notices.length) {
      clearNotice("desk-presence");
      return;
    }
    const list = noticeList("desk-presence");
    list.setAttribute("aria-live", "polite");
    list.replaceChildren(
      ...notices.map((text) => {
        const item = document.createElement("li");
        item.className = "warning desk-colleague";
        item.textContent = text;
        return item;
      }),
    );
  }

  function watchColleagues(article, state, submitted) {
    const url = heartbeatURL();
    const tab = tabName();
    const csrf = token();
    if (submitted && submitted.article && submitted.article !== article) {
      leave(url, submitted.article, submitted.tab, csrf);
    }
    if (!/^\d+$/.test(article) || !csrf) return;
    let timer = null;
    let stopped = false;

    async function beat() {
      timer = null;
      let interval = 15;
      try {
        const body = new URLSearchParams({ article, tab });
        const response = await fetch(url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, "X-Requested-With": "XMLHttpRequest" },
        });
        if (response.status === 404 && !response.headers.get("content-type")?.includes("json")) {
          stopped = true; // no desk app: the form works without it
          return;
        }
        const answer = await response.json();
        if (response.ok) {
          showColleagues(answer.notices || []);
          interval = answer.interval || interval;
        }
      } catch (error) {
        // Offline for a moment: try again at the next beat.
      }
      if (!stopped) timer = setTimeout(beat, interval * 1000);
    }

    window.addEventListener("pagehide", () => {
      if (timer) clearTimeout(timer);
      timer = null;
      stopped = true;
      // Submitting stays "open" for the next page (the same form again after
      // "Save and continue"); the page after it ends the session otherwise.
      if (state.submitting) return;
      leave(url, article, tab, csrf);
    });
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && stopped) {
        stopped = false;
        beat();
      }
    });
    beat();
  }

  // ---- Start ----

  function start() {
    const form = document.getElementById("article_form");
    const submitted = settleLastSubmit(form);
    const match = location.pathname.match(/\/(\d+)\/change\/$/);
    const article = match ? match[1] : /\/add\/$/.test(location.pathname) ? "new" : null;
    const state = { submitting: false, touched: false, offered: false, flushDraft: () => {}, draftKey: null };
    if (!form || !article) {
      if (submitted && submitted.article && /^\d+$/.test(submitted.article)) {
        leave(heartbeatURL(), submitted.article, submitted.tab, token());
      }
      return;
    }
    guardLeaving(form, state);
    startDrafts(form, article, state);
    form.addEventListener("submit", (event) => {
      // The Preview button sends the form to another tab: this one stays open, unsaved.
      if (event.submitter && event.submitter.formTarget === "_blank") return;
      state.submitting = true;
      state.flushDraft();
      if (session) {
        session.setItem(SUBMITTED, JSON.stringify({ key: state.draftKey, article, tab: tabName() }));
      }
    });
    window.addEventListener("pagehide", () => state.flushDraft());
    watchColleagues(article, state, submitted);
    window.__deskStarted = true; // for the browser tests: the form's safety net is in place
  }

  if (document.readyState === "complete") {
    setTimeout(start);
  } else {
    window.addEventListener("load", () => setTimeout(start));
  }
})();
