/* The admin's language tabs (django-modeltranslation's), named for editors.

   The tabs read 中文 (繁體 when the article's Chinese is Traditional) and
   English, in either admin language, instead of the codes ZH-HANS / EN.
   A section added to the form opens on the language in view, not on the
   admin's own language.
*/
"use strict";
{
  const $ = window.jQuery || window.django.jQuery;

  // The language of a tab, from the id of the field it shows (…_zh_hans, …_en).
  function codeOf(href) {
    const match = /_(zh_hans|en)$/.exec(href || "");
    return match ? match[1] : null;
  }

  function isTraditional() {
    const select = document.getElementById("id_chinese_script");
    return select ? select.value === "hant" : false;
  }

  function tabName(code) {
    if (code === "en") {
      return "English";
    }
    return isTraditional() ? "繁體" : "中文";
  }

  function langTag(code) {
    if (code === "en") {
      return "en";
    }
    return isTraditional() ? "zh-Hant" : "zh-Hans";
  }

  // "繁体中文", "Traditional Chinese": the tab's language in the admin's own.
  function description(code) {
    try {
      return new Intl.DisplayNames([document.documentElement.lang], {type: "language"}).of(langTag(code));
    } catch (error) {
      return "";
    }
  }

  function nameTabs() {
    document.querySelectorAll(".ui-tabs-nav a").forEach(function (tab) {
      const code = codeOf(tab.getAttribute("href"));
      if (code) {
        tab.textContent = tabName(code);
        tab.lang = langTag(code);
        tab.title = description(code);
      }
    });
    const codes = ["zh_hans", "en"];
    document.querySelectorAll("#modeltranslation-main-switch option").forEach(function (option) {
      const code = codes[Number(option.value)];
      if (code) {
        option.textContent = tabName(code);
        option.lang = langTag(code);
      }
    });
  }

  // The language in view: the admin's own at first, then the last tab chosen.
  let inView = (document.documentElement.lang || "").startsWith("en") ? "en" : "zh_hans";

  function showInView(root) {
    $(root).find(".ui-tabs").addBack(".ui-tabs").each(function () {
      const tabs = $(this).find("> .ui-tabs-nav a").toArray();
      const index = tabs.findIndex(function (tab) {
        return codeOf(tab.getAttribute("href")) === inView;
      });
      if (index >= 0 && $(this).tabs("option", "active") !== index) {
        $(this).tabs("option", "active", index);
      }
    });
  }

  function start() {
    nameTabs();
    // modeltranslation opens each tab group on the admin's language but
    // leaves its language switch on the first option, and gives a newly
    // added section the switch's language: keep the switch on the tab in view.
    const mainSwitch = document.getElementById("modeltranslation-main-switch");
    if (mainSwitch) {
      mainSwitch.value = String(inView === "en" ? 1 : 0);
    }
    $(document).on("tabsactivate", ".ui-tabs", function (event, ui) {
      const code = codeOf(ui.newTab.find("a").attr("href"));
      if (code) {
        inView = code;
      }
    });
    document.addEventListener("formset:added", function (event) {
      // django-nested-admin writes its remove link in English only.
      event.target.querySelectorAll("a.djn-remove-handler").forEach(function (link) {
        link.textContent = gettext("Remove");
      });
      // After modeltranslation has made the new form's tabs (on the same click).
      window.setTimeout(function () {
        nameTabs();
        showInView(event.target);
      }, 0);
    });
    const script = document.getElementById("id_chinese_script");
    if (script) {
      script.addEventListener("change", nameTabs);
    }
  }

  // Django's Simplified Chinese catalog leaves the date picker's one-letter
  // weekdays in English (S M T W T F S). Asking for them here, as calendar.js
  // does, brings them into our own djangojs catalog
  // (locale/*/LC_MESSAGES/djangojs.po), which the admin's jsi18n merges over
  // Django's.
  function translateWeekdays() {
    if (typeof CalendarNamespace === "undefined") {
      return;
    }
    CalendarNamespace.daysOfWeekInitial = [
      pgettext("one letter Sunday", "S"),
      pgettext("one letter Monday", "M"),
      pgettext("one letter Tuesday", "T"),
      pgettext("one letter Wednesday", "W"),
      pgettext("one letter Thursday", "T"),
      pgettext("one letter Friday", "F"),
      pgettext("one letter Saturday", "S"),
    ];
  }

  // modeltranslation makes the tabs when the document is ready; run after it.
  $(function () {
    translateWeekdays();
    window.setTimeout(start, 0);
  });
}
