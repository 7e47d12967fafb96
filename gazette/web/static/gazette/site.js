/* Gazette: small enhancements on top of pages that work without JavaScript. */
(function () {
  "use strict";
  var root = document.documentElement;
  var THEME_KEY = "gazette-theme";

  /* Theme: the server renders the cookie's choice; localStorage keeps it if the cookie is lost. */
  function effectiveTheme() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen;
    return window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function applyTheme(theme) {
    root.setAttribute("data-theme", theme);
    var meta = document.querySelector('meta[name="color-scheme"]');
    if (meta) meta.setAttribute("content", theme);
    try { localStorage.setItem(THEME_KEY, theme); } catch (e) { /* private mode */ }
    document.cookie = "theme=" + theme + "; path=/; max-age=31536000; samesite=lax";
    var button = document.querySelector(".theme-toggle");
    if (button) {
      var next = theme === "dark" ? "light" : "dark";
      button.value = next;
      button.setAttribute("aria-label", "Switch to " + next + " theme");
    }
  }
  try {
    var stored = localStorage.getItem(THEME_KEY);
    if (stored && !root.getAttribute("data-theme")) applyTheme(stored);
  } catch (e) { /* private mode */ }

  /* Relative times: refresh "29 minutes ago" while the page stays open. */
  function relative(date) {
    var seconds = Math.round((Date.now() - date.getTime()) / 1000);
    if (seconds < 60) return seconds > -300 ? "just now" : null;
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + (minutes === 1 ? " minute ago" : " minutes ago");
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours + (hours === 1 ? " hour ago" : " hours ago");
    var days = Math.floor(hours / 24);
    if (days === 1) return "yesterday";
    if (days < 7) return days + " days ago";
    return null;
  }
  function refreshTimes() {
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      var text = relative(new Date(el.getAttribute("datetime")));
      if (text && el.textContent !== text) el.textContent = text;
    });
  }

  /* Keyboard: j/k move through the list, / searches, ? shows help. */
  var current = -1;
  function items() { return Array.prototype.slice.call(document.querySelectorAll("[data-nav-item]")); }
  function move(step) {
    var list = items();
    if (!list.length) return;
    if (current >= 0 && list[current]) list[current].classList.remove("is-current");
    current = Math.max(0, Math.min(list.length - 1, current + step));
    var item = list[current];
    item.classList.add("is-current");
    var link = item.querySelector("[data-nav-link]") || item.querySelector("a");
    if (link) link.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }
  function openHelp() {
    var dialog = document.getElementById("help");
    if (dialog && !dialog.open && dialog.showModal) dialog.showModal();
  }
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "/") {
      var search = document.getElementById("site-search");
      if (search) { search.focus(); search.select(); event.preventDefault(); }
    } else if (event.key === "?") { openHelp(); event.preventDefault(); }
  });

  /* Listen: the browser reads the article aloud (speechSynthesis), paragraph by paragraph so long
     articles are not cut off, and a speed change restarts the current paragraph at the new rate. */
  function setupListen() {
    var box = document.querySelector("[data-listen]");
    var body = document.getElementById("story-body");
    if (!box || !body) return;
    var button = box.querySelector("[data-listen-toggle]");
    var label = box.querySelector("[data-listen-label]");
    var icon = box.querySelector("[data-listen-icon]");
    var rate = box.querySelector("[data-listen-rate]");
    var note = box.querySelector("[data-listen-note]");
    var supported = "speechSynthesis" in window && typeof SpeechSynthesisUtterance !== "undefined";
    var synth = supported ? window.speechSynthesis : null;
    /* Without a voice speak() queues the text and nothing is ever heard (headless browsers, some
       Linux desktops): the button is then disabled and says why. Voices may arrive late, announced
       by voiceschanged. */
    function voiced() {
      var ready = !!synth && synth.getVoices().length > 0;
      button.disabled = !ready;
      rate.disabled = !ready;
      note.hidden = ready;
      if (ready) button.removeAttribute("aria-describedby");
      else button.setAttribute("aria-describedby", note.id);
      return ready;
    }
    box.hidden = false;
    if (!voiced() && !synth) return;
    if (synth.addEventListener) synth.addEventListener("voiceschanged", voiced);
    var chunks = [];
    var index = 0;
    var state = "idle"; /* idle, playing, paused */
    var generation = 0; /* cancel() ends the current utterance later: stale "end" events are ignored */
    function show(next) {
      state = next;
      button.setAttribute("aria-pressed", state === "playing" ? "true" : "false");
      label.textContent = state === "playing" ? "Pause" : state === "paused" ? "Resume" : "Listen";
      icon.textContent = state === "playing" ? "❚❚" : "▶";
    }
    function collect() {
      var headline = document.getElementById("headline");
      var parts = [headline ? headline.textContent : ""];
      body.querySelectorAll("p, h2, h3, h4, li, blockquote").forEach(function (el) { parts.push(el.textContent); });
      if (parts.length === 1) parts.push(body.textContent);
      return parts.map(function (t) { return t.replace(/\s+/g, " ").trim(); }).filter(Boolean);
    }
    function speak() {
      if (index >= chunks.length) { show("idle"); index = 0; return; }
      var utterance = new SpeechSynthesisUtterance(chunks[index]);
      utterance.lang = document.documentElement.lang || "en";
      utterance.rate = parseFloat(rate.value) || 1;
      var mine = generation;
      utterance.onend = function () { if (mine === generation && state === "playing") { index += 1; speak(); } };
      synth.speak(utterance);
    }
    button.addEventListener("click", function () {
      if (!voiced()) return;
      if (state === "playing") { synth.pause(); show("paused"); return; }
      if (state === "paused") { synth.resume(); show("playing"); return; }
      chunks = collect();
      index = 0;
      generation += 1;
      synth.cancel();
      show("playing");
      speak();
    });
    rate.addEventListener("change", function () {
      if (state !== "playing") return;
      generation += 1;
      synth.cancel();
      speak();
    });
    window.addEventListener("pagehide", function () { synth.cancel(); });
  }

  /* A favicon that does not load leaves the publisher's initial beneath it: remove the broken image.
     The listener catches the ones that fail later; the check at start-up those that failed before
     this script ran. */
  function dropBrokenIcon(img) { if (img.parentNode) img.parentNode.removeChild(img); }
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("badge-icon")) dropBrokenIcon(target);
  }, true);
  function dropBrokenIcons() {
    document.querySelectorAll("img.badge-icon").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) dropBrokenIcon(img);
    });
  }

  /* Install: where the browser offers installation (beforeinstallprompt) a button asks it to; iOS
     Safari offers none, so there a line says how. Neither shows once installed (standalone) or after
     "Not now", which is remembered on this device. */
  var INSTALL_KEY = "gazette-install-dismissed";
  var installPrompt = null;
  function installed() {
    return (window.matchMedia && matchMedia("(display-mode: standalone)").matches) || navigator.standalone === true;
  }
  function installDismissed() {
    try { return localStorage.getItem(INSTALL_KEY) === "1"; } catch (e) { return false; }
  }
  function installHide(remember) {
    var box = document.querySelector("[data-install]");
    if (box) box.hidden = true;
    installPrompt = null;
    if (remember) { try { localStorage.setItem(INSTALL_KEY, "1"); } catch (e) { /* private mode */ } }
  }
  function installShow(mode) {
    var box = document.querySelector("[data-install]");
    if (!box || installed() || installDismissed()) return;
    box.querySelector("[data-install-offer]").hidden = mode !== "prompt";
    box.querySelector("[data-install-ios]").hidden = mode !== "ios";
    box.hidden = false;
  }
  function iosSafari() {
    var ua = navigator.userAgent || "";
    var ios = /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
    return ios && /WebKit/.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
  }
  window.addEventListener("beforeinstallprompt", function (event) {
    /* The browser's own mini-infobar is replaced by the site's button. */
    event.preventDefault();
    installPrompt = event;
    installShow("prompt");
  });
  window.addEventListener("appinstalled", function () { installHide(false); });
  function setupInstall() {
    var box = document.querySelector("[data-install]");
    if (!box) return;
    box.querySelector("[data-install-button]").addEventListener("click", function () {
      var offered = installPrompt;
      if (!offered) return;
      offered.prompt();
      Promise.resolve(offered.userChoice).then(function (choice) {
        installHide(!choice || choice.outcome !== "accepted");
      }, function () { installHide(false); });
    });
    box.querySelectorAll("[data-install-dismiss]").forEach(function (button) {
      button.addEventListener("click", function () { installHide(true); });
    });
    if (iosSafari()) installShow("ios");
  }

  /* Offline: the offline page lists what the service worker kept (see sw.js), newest first. */
  function cachedTitle(response) {
    return response.text().then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var h1 = doc.querySelector("h1");
      return (h1 ? h1.textContent : doc.title).replace(/\s+/g, " ").trim();
    });
  }
  function offlineEntries(kind) {
    return caches.keys().then(function (names) {
      var name = names.filter(function (n) { return /^gazette-.*-/.test(n) && n.slice(-kind.length - 1) === "-" + kind; })[0];
      if (!name) return [];
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.reverse().map(function (request) {
            return cache.match(request, { ignoreVary: true }).then(cachedTitle).then(function (title) {
              return { url: new URL(request.url).pathname, title: title };
            });
          }));
        });
      });
    });
  }
  function setupOfflineList() {
    var box = document.querySelector("[data-offline-list]");
    if (!box || !("caches" in window)) return;
    Promise.all([offlineEntries("saved"), offlineEntries("pages")]).then(function (found) {
      var seen = {};
      var groups = { saved: box.querySelector("[data-offline-saved]"), pages: box.querySelector("[data-offline-pages]") };
      var any = false;
      [["saved", found[0]], ["pages", found[1]]].forEach(function (pair) {
        var list = groups[pair[0]].querySelector("ul");
        pair[1].forEach(function (entry) {
          if (seen[entry.url] || !entry.title) return;
          seen[entry.url] = true;
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = entry.url;
          link.textContent = entry.url === "/" ? "Front page" : entry.title;
          item.appendChild(link);
          list.appendChild(item);
        });
        groups[pair[0]].hidden = !list.children.length;
        any = any || list.children.length > 0;
      });
      box.hidden = !any;
    }).catch(function () { /* the list is a convenience */ });
  }

  /* Articles saved elsewhere (or before this device kept pages) are on the page as "remove from saved"
     buttons: the service worker fetches those it does not keep yet. */
  function offerSavedToWorker() {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return;
    var ids = [];
    document.querySelectorAll("form.save-form[action]").forEach(function (form) {
      var match = /\/(\d+)\/unsave\/$/.exec(form.getAttribute("action"));
      if (match) ids.push(match[1]);
    });
    if (ids.length) navigator.serviceWorker.controller.postMessage({ type: "saved", ids: ids });
  }

  /* htmx leaves 4xx responses unswapped; the ask box's "too many questions" (429) and "type a
     question" (400) answers are meant for the reader. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr && event.detail.xhr.status;
    if (status === 429 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  /* A comment posted through htmx: the comments section was swapped; show the poster their comment. */
  document.addEventListener("gazette:commented", function (event) {
    var comment = document.getElementById("comment-" + event.detail.value);
    if (!comment) return;
    comment.setAttribute("tabindex", "-1");
    comment.focus({ preventScroll: true });
    comment.scrollIntoView({ block: "nearest" });
    refreshTimes();
  });

  document.addEventListener("DOMContentLoaded", function () {
    dropBrokenIcons();
    setupListen();
    setupInstall();
    setupOfflineList();
    offerSavedToWorker();
    var form = document.querySelector(".theme-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        applyTheme(effectiveTheme() === "dark" ? "light" : "dark");
      });
    }
    document.querySelectorAll("[data-help]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", openHelp);
    });
    refreshTimes();
    setInterval(refreshTimes, 60000);
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* offline support is optional */ });
    }
  });
})();
