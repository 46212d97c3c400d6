/* The field app's small script. Every page works without it while online; with it, work goes on
 * without signal: the tasks page keeps the day's pages on the phone (a service worker serves
 * them), and rosters, visits and interviews that cannot be sent wait in localStorage (each with
 * its nonce: the server stores each once) and are sent when the signal returns; the count
 * waiting and what failed are on every page. No inline script: CSP allows 'self' only. */
(function () {
  "use strict";
  var KEY = "tcm_field_queue", CACHE = "tcm-field-v1";
  var main = document.getElementById("main");
  var box = document.getElementById("queue");
  var lang = (main && main.getAttribute("data-lang")) || "zh";
  function storage() {
    try { var s = window.localStorage; s.setItem("tcm_probe", "1"); s.removeItem("tcm_probe"); return s; } catch (e) { return null; }
  }
  var local = storage();
  function read() { try { return JSON.parse((local && local.getItem(KEY)) || "[]"); } catch (e) { return []; } }
  function write(items) { if (local) local.setItem(KEY, JSON.stringify(items)); }
  function nonce() {
    var a = new Uint8Array(16); (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function say(key, n) { return box ? (box.getAttribute("data-" + key) || "").replace("{n}", n) : ""; }
  function note(message) {
    var p = document.getElementById("offline-note");
    if (p) { p.textContent = message || ""; p.hidden = !message; }
  }
  function el(tag, text) { var e = document.createElement(tag); if (text) e.textContent = text; return e; }

  // ------------------------------------------------------------------ the queue on the phone
  function render() {
    if (!box) return;
    var items = read(), waiting = items.filter(function (i) { return !i.error; });
    var failed = items.filter(function (i) { return i.error; });
    box.hidden = items.length === 0;
    document.getElementById("queue-count").textContent =
      (waiting.length ? say("queue", waiting.length) : "") + (failed.length ? " " + say("failed", failed.length) : "");
    var list = document.getElementById("queue-failed");
    list.textContent = "";
    failed.forEach(function (item) {
      var li = el("li", item.label + "：" + item.error + " ");
      var drop = el("button", say("drop"));
      drop.type = "button"; drop.className = "secondary";
      drop.addEventListener("click", function () { write(read().filter(function (i) { return i.id !== item.id; })); render(); });
      li.appendChild(drop); list.appendChild(li);
    });
    document.querySelectorAll("a.task[data-household]").forEach(function (a) {
      var n = waiting.filter(function (i) { return String(i.household) === a.getAttribute("data-household"); }).length;
      var tag = a.querySelector(".wait");
      if (!tag) { tag = el("span"); tag.className = "wait"; a.appendChild(tag); }
      tag.textContent = n ? say("queue", n) : "";
    });
    var page = document.getElementById("household"), pending = document.getElementById("pending");
    if (page && pending) {
      var mine = waiting.filter(function (i) { return String(i.household) === page.getAttribute("data-household"); });
      pending.textContent = "";
      mine.forEach(function (i) { pending.appendChild(el("li", i.label + " · " + say("queue", 1))); });
      pending.hidden = mine.length === 0;
    }
  }
  function add(item) {
    item.id = nonce(); item.queued_at = new Date().toISOString();
    var items = read(); items.push(item); write(items); render();
  }
  var syncing = false, timer = null;
  function sync(done) {
    done = done || function () {};
    if (syncing) { done(); return; }
    var next = read().filter(function (i) { return !i.error; })[0];
    if (!next) { render(); done(); return; }
    syncing = true;
    fetch("/field/sync", { method: "POST", credentials: "same-origin", body: JSON.stringify(next),
      headers: { "Content-Type": "application/json", "X-Field-Sync": "1" } })
      .then(function (r) { return r.json().then(function (data) { return { status: r.status, data: data }; }, function () { return { status: r.status, data: {} }; }); })
      .then(function (answer) {
        syncing = false;
        if (answer.status === 200 && answer.data.ok) {
          write(read().filter(function (i) { return i.id !== next.id; })); sync(done); return;
        }
        if (answer.status === 401) { note(say("signin")); render(); done(); return; }
        if (answer.status >= 400 && answer.status < 500) {
          write(read().map(function (i) { if (i.id === next.id) i.error = answer.data.error || String(answer.status); return i; }));
          sync(done); return;
        }
        render(); later(); done();
      }, function () { syncing = false; render(); later(); done(); });
  }
  function later() { clearTimeout(timer); timer = setTimeout(sync, 20000); }
  window.addEventListener("online", function () { sync(); });

  // ------------------------------------------------------------------ the member to invite, without signal
  function memberWords(position, roster) { // as sampling.member_words
    var males = roster.filter(function (m) { return m[0] === "male"; }).length;
    var male = position < males, rank = male ? position + 1 : position - males + 1, count = male ? males : roster.length - males;
    if (lang === "zh") {
      var word = male ? "男性" : "女性";
      return count === 1 ? "唯一的" + word : rank === 1 ? "最年长的" + word : "第" + rank + "年长的" + word;
    }
    var one = male ? "man" : "woman", suffix = (rank % 100 >= 10 && rank % 100 <= 20) ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[rank % 10] || "th");
    return count === 1 ? "the only " + one : rank === 1 ? "the oldest " + one : "the " + rank + suffix + " oldest " + one;
  }
  function rosterRows(form) {
    var rows = [], low = parseInt(form.getAttribute("data-min"), 10), high = parseInt(form.getAttribute("data-max"), 10);
    var eligible = [];
    for (var i = 0; form.querySelector("[name=age" + i + "]"); i++) {
      var checked = form.querySelector("[name=sex" + i + "]:checked"), age = form.querySelector("[name=age" + i + "]").value.trim();
      var sex = checked ? checked.value : "";
      if (!sex && !age) continue;
      rows.push([sex, age]);
      var years = parseInt(age, 10);
      if (sex && /^\d+$/.test(age) && years >= low && (isNaN(high) || years <= high)) eligible.push([sex, years]);
    }
    return { rows: rows, eligible: eligible };
  }
  function showInvite(form, eligible) {
    var invite = document.getElementById("invite");
    if (!eligible.length) { invite.textContent = form.getAttribute("data-empty"); invite.hidden = false; return; }
    var picks = JSON.parse(form.getAttribute("data-picks"));
    var words = memberWords(picks[eligible.length - 1], eligible);
    invite.textContent = form.getAttribute("data-invite").replace("{m}", words);
    invite.hidden = false;
    var page = document.getElementById("household");
    if (local) local.setItem("tcm_field_member:" + page.getAttribute("data-household"), words);
  }

  // ------------------------------------------------------------------ household page: send, or keep when there is no signal
  function post(form, fields, onFail) {
    var body = new URLSearchParams();
    fields.forEach(function (f) { body.append(f[0], f[1]); });
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { if (r.status >= 500) throw new Error(String(r.status)); location.replace(r.url); }, onFail)
      .catch(onFail);
  }
  function formFields(form, extra) {
    var out = [];
    form.querySelectorAll("input").forEach(function (i) {
      if (!i.name || ((i.type === "radio" || i.type === "checkbox") && !i.checked)) return;
      out.push([i.name, i.value]);
    });
    return out.concat(extra || []);
  }
  function household(page) {
    var label = (document.querySelector("h1") || {}).textContent || "";
    var base = { campaign: page.getAttribute("data-campaign"), household: page.getAttribute("data-household") };
    var roster = document.getElementById("roster"), visit = document.getElementById("visit");
    document.querySelectorAll(".js-only").forEach(function (e) { e.hidden = false; });
    if (window.caches && navigator.onLine !== false && /[?&]m=/.test(location.search)) { // changed: refresh the copies kept
      caches.open(CACHE).then(function (cache) {
        var back = document.querySelector("a.back");
        [page.getAttribute("data-self"), page.getAttribute("data-interview"), back && back.getAttribute("href")].forEach(function (u) {
          if (!u) return;
          cache.match(u).then(function (hit) { if (hit) cache.add(u); });
        });
      });
    }
    if (!local) return;
    if (roster) roster.addEventListener("submit", function (event) {
      event.preventDefault();
      var taken = rosterRows(roster);
      post(roster, formFields(roster), function () {
        showInvite(roster, taken.eligible);
        add({ kind: "roster", campaign: base.campaign, household: base.household, nonce: nonce(), rows: taken.rows,
          label: label + " · " + roster.querySelector("button.primary").textContent });
        note(say("queued"));
      });
    });
    var once = visit && visit.querySelector("[name=nonce]");
    // a page kept on the phone comes back with a nonce already sent: a new visit needs a new one
    function spent() { try { return JSON.parse(local.getItem("tcm_field_used") || "[]"); } catch (e) { return []; } }
    if (once && spent().indexOf(once.value) >= 0) once.value = nonce();
    if (visit) visit.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter || visit.querySelector("button:focus");
      if (!button) return;
      var at = new Date().toISOString(), id = once.value;
      local.setItem("tcm_field_used", JSON.stringify(spent().concat([id]).slice(-300)));
      visit.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      post(visit, formFields(visit, [["disposition", button.value], ["at", at]]), function () {
        add({ kind: "visit", campaign: base.campaign, household: base.household, nonce: id, disposition: button.value, at: at,
          label: label + " · " + button.textContent });
        once.value = nonce();
        visit.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        note(say("queued"));
      });
    });
  }

  // ------------------------------------------------------------------ one-page interview
  function answered(box) {
    var inputs = box.querySelectorAll("input,textarea");
    return Array.prototype.some.call(inputs, function (i) {
      return (i.type === "radio" || i.type === "checkbox") ? i.checked : i.value.trim() !== "";
    });
  }
  function interview(form) {
    var draftKey = "tcm_field_draft:" + form.getAttribute("data-campaign") + ":" + form.getAttribute("data-household");
    var opened = new Date(), save = document.getElementById("save-interview");
    var apply = function () { if (window.tcmSkipLogic) window.tcmSkipLogic(form); };
    function fields() {
      var out = [];
      form.querySelectorAll("fieldset.q input,fieldset.q textarea").forEach(function (i) {
        if (i.disabled || ((i.type === "radio" || i.type === "checkbox") && !i.checked)) return;
        out.push([i.name, i.value]);
      });
      return out;
    }
    try { // a draft of this household's interview, kept while it is being filled in
      JSON.parse((local && local.getItem(draftKey)) || "[]").forEach(function (f) {
        form.querySelectorAll("[name='" + f[0].replace(/'/g, "") + "']").forEach(function (i) {
          if (i.type === "radio" || i.type === "checkbox") { if (i.value === f[1]) i.checked = true; } else i.value = f[1];
        });
      });
    } catch (e) { /* no draft */ }
    var flag = document.getElementById("flag"), known = local && local.getItem("tcm_field_member:" + form.getAttribute("data-household"));
    if (flag && flag.getAttribute("data-unknown") && known) flag.textContent = flag.textContent.replace(flag.getAttribute("data-unknown"), known);
    apply();
    function keep() { apply(); if (local) local.setItem(draftKey, JSON.stringify(fields())); }
    form.addEventListener("change", keep); form.addEventListener("input", keep);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    save.disabled = !local;
    save.addEventListener("click", function () {
      apply();
      var missing = 0;
      form.querySelectorAll("fieldset.q[data-q]:not([hidden])").forEach(function (q) {
        var rules = {}; try { rules = JSON.parse(q.getAttribute("data-rules") || "{}"); } catch (e) { /* none */ }
        var bad = rules.required && q.getAttribute("data-type") !== "note" && !answered(q);
        q.classList.toggle("bad", !!bad);
        if (bad) missing += 1;
      });
      var message = document.getElementById("missing");
      message.textContent = missing ? say("missing", missing) : ""; message.hidden = !missing;
      if (missing) { form.querySelector("fieldset.bad").scrollIntoView(); return; }
      save.disabled = true;
      add({ kind: "interview", campaign: form.getAttribute("data-campaign"), household: form.getAttribute("data-household"),
        nonce: nonce(), fields: fields(), lang: lang, opened_at: opened.toISOString(),
        duration: Math.round((Date.now() - opened.getTime()) / 1000), label: document.title });
      local.removeItem(draftKey);
      note(say("queued"));
      sync(function () { location.href = form.getAttribute("action"); });
    });
  }

  // ------------------------------------------------------------------ the day's pages on the phone
  function prepare(tasks) {
    var urls = (tasks.getAttribute("data-offline-urls") || "").split(" ").filter(Boolean);
    if (!window.caches || !urls.length) return;
    // the same tasks in the same state as kept less than an hour ago: the copies on the phone stand
    var stamp = tasks.textContent.replace(/\s+/g, "") + urls.join(" "), last = JSON.parse(local.getItem("tcm_field_kept") || "{}");
    if (last.stamp === stamp && Date.now() - last.at < 3600000) {
      note(say("ready", tasks.getAttribute("data-households"))); main.setAttribute("data-offline-ready", "1"); return;
    }
    note(say("preparing"));
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (r) { if (r.ok && !r.redirected) return cache.put(u, r); });
      }));
    }).then(function () {
      local.setItem("tcm_field_kept", JSON.stringify({ stamp: stamp, at: Date.now() }));
      note(say("ready", tasks.getAttribute("data-households")));
      main.setAttribute("data-offline-ready", "1");
    }, function () { note(""); });
  }
  function start() {
    if (!main || !box) return;
    render();
    if (!local) { note(say("no-storage")); return; }
    var tasks = document.getElementById("tasks"), page = document.getElementById("household"), form = document.getElementById("form");
    if (page) household(page);
    if (form && main.getAttribute("data-page") === "interview") interview(form);
    if (!("serviceWorker" in navigator)) { note(say("no-sw")); }
    else {
      navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }).then(function () {
        if (tasks && navigator.onLine !== false) return navigator.serviceWorker.ready.then(function () { prepare(tasks); });
      }, function () { note(say("no-sw")); });
    }
    if (navigator.onLine !== false) sync();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
