/* The respondent form's small script. The form works without it; with it:
 * - skip logic applies live within a section (the server sends each rule as the syntax tree
 *   survey/questionnaire/expressions.py built; evaluate() below follows the same rules: empty values are
 *   null, every comparison with an empty value is false, and so on);
 * - the form in progress is kept in localStorage (a draft idle for an hour is dropped, a
 *   submitted one is removed; the first screen offers "continue" or "not me / start over");
 * - every step (start, next, back, submit ...) is sent by fetch and the answer replaces the page;
 *   a step that fails for lack of network is retried with the same state (same nonce) until the
 *   server answers, with a message saying so, the answers staying on screen; Back goes one part
 *   back and never asks to send a form again;
 * - a screen-out answer ends the part at once, a red "此题必答" goes once the question is answered,
 *   and the part count follows the answers that decide later parts.
 * No inline script: CSP allows 'self' only. */
(function () {
  "use strict";

  // ------------------------------------------------------------------ expression evaluator
  function isEmpty(v) {
    return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
  }
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  function asNumber(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    if (typeof v === "string") {
      var s = v.trim();
      if (NUMBER.test(s)) return parseFloat(s);
      if (/^[+-]?(inf|infinity)$/i.test(s)) return s.charAt(0) === "-" ? -Infinity : Infinity;
      if (/^[+-]?nan$/i.test(s)) return NaN;
    }
    return null;
  }
  function truthy(v) {
    if (isEmpty(v)) return false;
    if (typeof v === "number") return v !== 0 && !isNaN(v);
    if (typeof v === "string") { var l = v.toLowerCase(); return l !== "false" && l !== "0"; }
    return Boolean(v);
  }
  function text(v) { // Python's str() for the values answers can hold
    if (typeof v === "boolean") return v ? "True" : "False";
    if (typeof v === "number") return String(v);
    return String(v);
  }
  function equal(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return truthy(a) === truthy(b);
    var x = asNumber(a), y = asNumber(b);
    if (x !== null && y !== null && !(typeof a === "string" && typeof b === "string")) return x === y;
    return text(a) === text(b);
  }
  function compare(op, a, b) {
    if (isEmpty(a) || isEmpty(b)) return false;
    if (op === "=" || op === "==") return equal(a, b);
    if (op === "!=" || op === "<>") return !equal(a, b);
    var x = asNumber(a), y = asNumber(b);
    if (x === null || y === null) {
      if (typeof a === "string" && typeof b === "string") { x = a; y = b; } else return false;
    }
    if (op === "<") return x < y;
    if (op === "<=") return x <= y;
    if (op === ">") return x > y;
    return x >= y;
  }
  function selection(v) {
    if (isEmpty(v)) return [];
    if (Array.isArray(v)) return v.map(text);
    return text(v).split(/\s+/).filter(function (s) { return s !== ""; });
  }
  function numbers(values) {
    return values.filter(function (v) { return !isEmpty(v); }).map(asNumber).filter(function (n) { return n !== null; });
  }
  var FUNCTIONS = {
    "selected": function (v, c) { return isEmpty(c) ? false : selection(v).indexOf(text(c)) >= 0; },
    "count_selected": function (v) { return selection(v).length; },
    "count-selected": function (v) { return selection(v).length; },
    "answered": function (v) { return !isEmpty(v); },
    "not": function (v) { return !truthy(v); },
    "if": function (c, a, b) { return truthy(c) ? a : b; },
    "min": function () { var n = numbers([].slice.call(arguments)); return n.length ? Math.min.apply(null, n) : null; },
    "max": function () { var n = numbers([].slice.call(arguments)); return n.length ? Math.max.apply(null, n) : null; },
    "string_length": function (v) { return isEmpty(v) ? 0 : text(v).length; },
    "string-length": function (v) { return isEmpty(v) ? 0 : text(v).length; },
    "true": function () { return true; },
    "false": function () { return false; }
  };
  function evaluate(node, answers, current) {
    switch (node[0]) {
      case "lit": return node[1];
      case "ref": { var v = answers[node[1]]; return isEmpty(v) ? null : v; }
      case "cur": return isEmpty(current) ? null : current;
      case "list": return node[1].map(function (n) { return evaluate(n, answers, current); });
      case "not": return !truthy(evaluate(node[1], answers, current));
      case "neg": { var n = asNumber(evaluate(node[1], answers, current)); return n === null ? null : -n; }
      case "and": return truthy(evaluate(node[1], answers, current)) && truthy(evaluate(node[2], answers, current));
      case "or": return truthy(evaluate(node[1], answers, current)) || truthy(evaluate(node[2], answers, current));
      case "cmp": return compare(node[1], evaluate(node[2], answers, current), evaluate(node[3], answers, current));
      case "in": {
        var value = evaluate(node[2], answers, current);
        if (isEmpty(value)) return false;
        var options = evaluate(node[3], answers, current);
        if (!Array.isArray(options)) options = [options];
        var found = options.some(function (o) { return !isEmpty(o) && equal(value, o); });
        return found !== node[1];
      }
      case "ar": {
        var a = asNumber(evaluate(node[2], answers, current)), b = asNumber(evaluate(node[3], answers, current));
        if (a === null || b === null) return null;
        if (node[1] === "+") return a + b;
        if (node[1] === "-") return a - b;
        if (node[1] === "*") return a * b;
        if (b === 0) return null;
        if (node[1] === "/" || node[1] === "div") return a / b;
        return a % b;
      }
      case "call": {
        var args = node[2].map(function (n) { return evaluate(n, answers, current); });
        var f = FUNCTIONS[node[1]];
        if (!f) throw new Error("function " + node[1] + "() is not available here");
        return f.apply(null, args);
      }
    }
    throw new Error("unknown node " + node[0]);
  }
  function isTrue(node, answers, current) { return truthy(evaluate(node, answers, current)); }

  var api = { evaluate: evaluate, isTrue: isTrue, truthy: truthy };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; return; }
  if (typeof document === "undefined") return;

  // ------------------------------------------------------------------ answers in the page
  function parse(text, fallback) { try { return JSON.parse(text); } catch (e) { return fallback; } }
  function cleanAnswer(box, rules) { // the answer as survey/questionnaire/answers.py normalises it, or null
    var type = box.getAttribute("data-type");
    var inputs = box.querySelectorAll("input,textarea");
    var choices = rules.choices || [];
    if (type === "multiple") {
      var chosen = [];
      inputs.forEach(function (i) { if (i.checked) chosen.push(i.value); });
      if (!chosen.length) return null;
      var count = chosen.length;
      if ((rules.min_selected && count < rules.min_selected) || (rules.max_selected && count > rules.max_selected)) return null;
      return choices.filter(function (c) { return chosen.indexOf(c) >= 0; });
    }
    if (type === "number" || type === "text") {
      var raw = inputs.length ? inputs[0].value.trim() : "";
      if (raw === "") return null;
      if (type === "text") return raw.length > (rules.max_length || 500) ? null : raw;
      var n = asNumber(raw);
      if (n === null || !isFinite(n)) return null;
      if (rules.integer && !Number.isInteger(n)) return null;
      if ((rules.min !== undefined && n < rules.min) || (rules.max !== undefined && n > rules.max)) return null;
      return n;
    }
    var picked = null;
    inputs.forEach(function (i) { if (i.checked) picked = i.value; });
    if (picked === null) return null;
    if (type === "likert5") return picked === "na" ? "na" : parseInt(picked, 10);
    return picked;
  }
  function applySkipLogic(form) {
    var answers = parse(form.getAttribute("data-answers") || "{}", {});
    var parts = form.querySelectorAll("section.part");
    var boxes = form.querySelectorAll("fieldset.q[data-q]");
    boxes.forEach(function (box) {
      var part = box.closest("section.part");
      var partShown = true;
      if (part && part.getAttribute("data-relevant")) {
        partShown = isTrue(parse(part.getAttribute("data-relevant"), ["lit", true]), answers, null);
      }
      var rule = box.getAttribute("data-relevant");
      var shown = partShown && (!rule || isTrue(parse(rule, ["lit", true]), answers, null));
      box.hidden = !shown;
      box.querySelectorAll("input,textarea").forEach(function (i) { i.disabled = !shown; });
      if (!shown || box.getAttribute("data-type") === "note") return;
      var rules = parse(box.getAttribute("data-rules") || "{}", {});
      var value = cleanAnswer(box, rules);
      if (value === null) return;
      var constraint = box.getAttribute("data-constraint");
      if (constraint && !isTrue(parse(constraint, ["lit", true]), answers, value)) return;
      answers[box.getAttribute("data-q")] = value;
    });
    parts.forEach(function (part) {
      part.hidden = !part.querySelector("fieldset.q[data-q]:not([hidden])");
    });
  }

  // ------------------------------------------------------------------ drafts on the phone
  var IDLE_MS = 60 * 60 * 1000;
  var TIMEOUT_MS = 30000; // a request with no answer by then is sent again (a signal lost mid-way)
  function main() { return document.getElementById("main"); }
  function pageName() { var m = main(); return m ? m.getAttribute("data-page") : ""; }
  function draftKey() { var m = main(); return m ? m.getAttribute("data-draft-key") : null; }
  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function readDraft() {
    var s = store(), key = draftKey(); if (!s || !key) return null;
    var d = parse(s.getItem(key) || "null", null);
    if (!d || typeof d.saved !== "number" || Date.now() - d.saved > IDLE_MS) { s.removeItem(key); return null; }
    return d;
  }
  function dropDraft() { var s = store(), key = draftKey(); if (s && key) s.removeItem(key); }
  function fields(form) {
    var out = [];
    form.querySelectorAll("fieldset.q input,fieldset.q textarea").forEach(function (i) {
      if (i.disabled) return;
      if ((i.type === "radio" || i.type === "checkbox") && !i.checked) return;
      out.push([i.name, i.value]);
    });
    return out;
  }
  function saveDraft(form) {
    var s = store(), key = draftKey(); if (!s || !key) return;
    var state = form.querySelector("input[name=state]");
    try { s.setItem(key, JSON.stringify({ state: state.value, fields: fields(form), saved: Date.now() })); } catch (e) { /* full */ }
  }
  var lastActive = Date.now();
  function idleCheck() {
    if (Date.now() - lastActive > IDLE_MS && pageName() === "section") { dropDraft(); location.replace(main().getAttribute("data-home")); }
    lastActive = Date.now();
  }

  // ------------------------------------------------------------------ sending
  // Every step (start, next, back, submit, change ...) is posted by fetch: a request that fails or
  // gets no form back (no signal, a gateway's error page) is sent again with the same state (same
  // nonce) until the server answers, the answers staying on screen. The answer replaces <main>:
  // the address never holds a POST, so Back and reload never ask to send a form again.
  var sending = null;
  function showStatus(form, key) {
    var status = form.querySelector("#status");
    if (!status || !status.getAttribute(key)) return;
    status.textContent = status.getAttribute(key);
    status.hidden = false;
  }
  function body(form, action) {
    var data = new URLSearchParams();
    form.querySelectorAll("input,textarea").forEach(function (i) {
      if (i.disabled || !i.name || i.name === "action") return;
      if ((i.type === "radio" || i.type === "checkbox") && !i.checked) return;
      data.append(i.name, i.value);
    });
    data.append("action", action);
    data.append("js", "1"); // answered with the screen itself (without the script: a redirect to its address)
    return data;
  }
  function screenOf(html) { // the new page's <main>, or null when the answer is not a form page
    var doc = new DOMParser().parseFromString(html, "text/html");
    var next = doc.getElementById("main");
    return next && next.getAttribute("data-page") ? { doc: doc, main: next } : null;
  }
  var screens = 0;
  function show(found) {
    document.title = found.doc.title;
    document.documentElement.setAttribute("lang", found.doc.documentElement.getAttribute("lang") || "zh-CN");
    var old = main();
    old.parentNode.replaceChild(document.importNode(found.main, true), old);
    window.scrollTo(0, 0);
    screens += 1;
    start();
    // a same-document entry of the new screen (no new history step): the address stays a GET
    history.replaceState(history.state, "", location.href);
  }
  function send(form, action, button) {
    if (sending) return;
    var attempt = 0, timer = null, url = form.getAttribute("action") || location.href;
    sending = { form: form };
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    if (action === "submit") showStatus(form, "data-sending");
    function retry() {
      attempt += 1;
      showStatus(form, action === "submit" ? "data-offline" : (form.querySelector("#status[data-offline-next]") ? "data-offline-next" : "data-offline"));
      clearTimeout(timer);
      timer = setTimeout(go, Math.min(15000, 2000 * attempt));
    }
    function go() {
      if (!sending || sending.form !== form) return;
      clearTimeout(timer);
      var abort = window.AbortController ? new AbortController() : null;
      var limit = setTimeout(function () { if (abort) abort.abort(); }, TIMEOUT_MS);
      fetch(url, {
        method: "POST", body: body(form, action), credentials: "same-origin", signal: abort ? abort.signal : undefined,
        headers: { "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (response) {
        return response.text().then(function (html) {
          clearTimeout(limit);
          var found = screenOf(html);
          if (!found) { retry(); return; }
          sending = null;
          window.removeEventListener("online", go);
          // stored, or a post the server can never take (too large: 413; an expired form: 400): no draft to replay
          if (response.headers.get("X-Form-Done") === "1" || response.status === 413 || response.status === 400) dropDraft();
          show(found);
        });
      }).catch(function () { clearTimeout(limit); retry(); });
    }
    window.addEventListener("online", go);
    go();
  }

  // ------------------------------------------------------------------ history
  // On a part, the exit page and the thank-you page the history holds one extra entry: Back
  // pops it, and the form goes one part back (as its own "back" button), from the exit page back
  // to the part, and stays on the thank-you page. From the first screen, Back leaves the form.
  function guard() {
    var page = pageName();
    if ((page === "section" || page === "exit" || page === "thanks") && !(history.state && history.state.tcmForm)) {
      history.pushState({ tcmForm: 1 }, "");
    }
  }
  function onBack() {
    if (history.state && history.state.tcmForm) return;
    var form = document.getElementById("form") || document.getElementById("exit");
    var page = pageName();
    if (sending) { history.pushState({ tcmForm: 1 }, ""); return; }
    if (page === "section" && form) send(form, "back", form.querySelector("button[value=back]"));
    else if (page === "exit" && form) send(form, "change", form.querySelector("button[value=change]"));
    else if (page === "thanks") history.pushState({ tcmForm: 1 }, "");
  }

  // ------------------------------------------------------------------ the page in the browser
  function clearMarks(form) { // "此题必答" and the like go once the question is answered
    form.querySelectorAll("fieldset.q.bad").forEach(function (box) {
      var rules = parse(box.getAttribute("data-rules") || "{}", {});
      if (box.hidden || cleanAnswer(box, rules) === null) return;
      var answers = parse(form.getAttribute("data-answers") || "{}", {});
      var constraint = box.getAttribute("data-constraint");
      if (constraint && !isTrue(parse(constraint, ["lit", true]), answers, cleanAnswer(box, rules))) return;
      box.classList.remove("bad");
      var err = box.querySelector("p.err"); if (err) err.textContent = "";
    });
    var msg = form.querySelector("p.msg");
    if (msg && !form.querySelector("fieldset.q.bad")) msg.hidden = true;
  }
  function screenedOut(form) { // a screen-out answer (e.g. under 15) ends the part at once
    var out = false;
    form.querySelectorAll("fieldset.q[data-ends]:not([hidden])").forEach(function (box) {
      var value = cleanAnswer(box, parse(box.getAttribute("data-rules") || "{}", {}));
      if (value !== null && isTrue(parse(box.getAttribute("data-ends"), ["lit", false]), {}, value)) out = true;
    });
    return out;
  }
  function answersNow(form) {
    var answers = parse(form.getAttribute("data-answers") || "{}", {});
    form.querySelectorAll("fieldset.q[data-q]:not([hidden])").forEach(function (box) {
      var value = cleanAnswer(box, parse(box.getAttribute("data-rules") || "{}", {}));
      if (value !== null) answers[box.getAttribute("data-q")] = value;
    });
    return answers;
  }
  function recount(form) { // later parts decided by an answer on this one leave the count at once
    var line = document.getElementById("progress");
    if (!line) return;
    var maybe = parse(line.getAttribute("data-maybe") || "[]", []);
    if (!maybe.length) return;
    var answers = answersNow(form), total = parseInt(line.getAttribute("data-total"), 10) - maybe.length;
    maybe.forEach(function (m) {
      var open = m[0].every(function (ref) { return isEmpty(answers[ref]); });
      if (open || isTrue(m[1], answers, null)) total += 1;
    });
    var position = line.getAttribute("data-position");
    line.textContent = line.getAttribute("data-template").replace("{i}", position).replace("{n}", String(total));
    var bar = document.querySelector("progress"); if (bar) bar.max = total;
  }
  function paperFields(form) {
    var paper = document.getElementById("paper");
    if (!paper) return;
    var mode = form.querySelector("input[name=mode]:checked");
    paper.hidden = !(mode && mode.value === "paper");
  }
  function onSubmit(e) {
    var form = e.target;
    if (!form || form.getAttribute("method") !== "post" || form.id === "resume") return;
    e.preventDefault();
    var button = e.submitter || form.querySelector("button.primary") || form.querySelector("button[type=submit]");
    send(form, (button && button.value) || "next", button);
  }

  window.tcmSkipLogic = applySkipLogic; // the field app's one-page interview (field.js) uses it
  var wired = false;
  function start() {
    var m = main();
    if (!m) return;
    m.setAttribute("data-js", "1");
    m.setAttribute("data-screen", String(screens));
    var page = pageName();
    var form = document.getElementById("form");
    if (page === "thanks" || page === "exit") dropDraft();
    if (page === "preview" && form) {
      form.addEventListener("change", function () { applySkipLogic(form); });
      form.addEventListener("input", function () { applySkipLogic(form); });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      applySkipLogic(form);
      return;
    }
    if (page !== "intro" && page !== "section" && page !== "exit" && page !== "thanks") return;
    if (!wired) { // once per window: the listeners read the page shown now
      wired = true;
      document.addEventListener("submit", onSubmit);
      window.addEventListener("popstate", onBack);
      document.addEventListener("visibilitychange", function () { if (!document.hidden) idleCheck(); });
      document.addEventListener("pointerdown", function () { lastActive = Date.now(); });
    }
    guard();
    if (page === "intro") {
      if (form) { paperFields(form); form.addEventListener("change", function () { paperFields(form); }); }
      var draft = readDraft();
      var box = document.getElementById("draft");
      if (draft && box) {
        var line = document.getElementById("draft-text");
        line.textContent = line.getAttribute("data-template").replace("{m}", String(Math.max(1, Math.round((Date.now() - draft.saved) / 60000))));
        box.hidden = false;
        document.getElementById("draft-resume").addEventListener("click", function () {
          var resume = document.getElementById("resume");
          resume.querySelector("input[name=state]").value = draft.state;
          resume.querySelector("input[name=fields]").value = JSON.stringify(draft.fields || []);
          send(resume, "resume", null);
        });
        document.getElementById("draft-discard").addEventListener("click", function () { dropDraft(); box.hidden = true; });
      }
    }
    if (page !== "section" || !form) return;
    applySkipLogic(form);
    saveDraft(form);
    function changed() {
      applySkipLogic(form); saveDraft(form); clearMarks(form); recount(form);
      if (screenedOut(form)) send(form, "next", form.querySelector("button.primary"));
    }
    form.addEventListener("change", changed);
    form.addEventListener("input", function () { applySkipLogic(form); saveDraft(form); clearMarks(form); });
    recount(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
