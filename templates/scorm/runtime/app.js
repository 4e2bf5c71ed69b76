/* coursepack SCORM runtime: the SCO's life -- pages, navigation, checking answers, resume.
 * Initialize once at load; Finish exactly once, on the Exit button or on pagehide; commit after
 * every checked answer and when the page is hidden. Never relies on unload/beforeunload. */
(function (Coursepack) {
  "use strict";

  var config = JSON.parse(document.getElementById("cp_data").textContent);
  var strings = config.strings;
  var lms = new Coursepack.Lms(config.scormVersion);
  var tracker = new Coursepack.Tracker(lms, config);
  var pages = Array.prototype.slice.call(document.querySelectorAll(".cp-page"));
  var questions = config.questions.map(function (def) {
    return new Coursepack.Question(def, document.querySelector('[data-question-id="' + def.id + '"]'));
  });
  var byKey = {};
  var current = 0;
  var resultsSeen = false;
  var finished = false;

  questions.forEach(function (q) { byKey[q.def.key] = q; });

  function one(selector) { return document.querySelector(selector); }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function questionOf(element) {
    var fieldset = element.closest("[data-question-id]");
    if (!fieldset) return null;
    var id = fieldset.getAttribute("data-question-id");
    return questions.filter(function (q) { return q.def.id === id; })[0] || null;
  }

  function pageIndex(key) {
    for (var i = 0; i < pages.length; i += 1) {
      if (pages[i].getAttribute("data-key") === key) return i;
    }
    return -1;
  }

  /* --- score and status ---------------------------------------------------------------- */

  function summary() {
    var graded = questions.filter(function (q) { return q.def.graded; });
    var total = 0, earned = 0, answered = 0;
    graded.forEach(function (q) {
      total += q.def.points;
      if (q.result() === true) earned += q.def.points;
      if (q.answered()) answered += 1;
    });
    var complete = answered === graded.length && (graded.length > 0 || resultsSeen);
    var raw = total > 0 ? Coursepack.format.round2(earned / total * 100) : null;
    var passed = config.passingScore === null || raw === null ? null : raw >= config.passingScore;
    return { complete: complete, raw: raw, passed: passed };
  }

  function refresh() {
    var done = questions.filter(function (q) { return q.answered(); }).length;
    var bar = one("#cp_progress");
    if (bar) {
      bar.value = done;
      one("[data-progress-text]").textContent = strings.answered + ": " + done + " " + strings.of + " " + questions.length;
    }
    var state = summary();
    var score = one('[data-result="score"]');
    var status = one('[data-result="status"]');
    var hint = one('[data-result="hint"]');
    if (score) {
      score.hidden = !state.complete || state.raw === null;
      score.querySelector("[data-result-value]").textContent = state.raw === null ? "" : state.raw + " %";
    }
    status.hidden = !state.complete;
    status.textContent = state.passed === null ? strings.completed : state.passed ? strings.passed : strings.failed;
    if (hint) hint.hidden = state.complete;
    questions.forEach(function (q) {
      var result = q.result();
      var text = !q.answered() ? strings.not_answered : result === null ? strings.answered : result ? strings.correct : strings.incorrect;
      one('[data-result-question="' + q.def.id + '"] [data-result-text]').textContent = text;
    });
    return state;
  }

  function save() {
    if (!finished) tracker.save(pages[current].getAttribute("data-key"), questions);
  }

  /* --- pages ---------------------------------------------------------------------------- */

  function show(index, focusTarget) {
    current = Math.max(0, Math.min(index, pages.length - 1));
    pages.forEach(function (page, i) { page.hidden = i !== current; });
    var page = pages[current];
    var key = page.getAttribute("data-key");
    one("[data-action=previous]").disabled = current === 0;
    one("[data-action=next]").disabled = current === pages.length - 1;
    one("[data-position]").textContent = strings.page + " " + (current + 1) + " " + strings.of + " " + pages.length;
    all("[data-goto]").forEach(function (link) {
      if (link.getAttribute("data-goto") === key) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    var now = Date.now();
    questions.forEach(function (q) {
      if (q.shownAt === null && page.contains(q.element)) q.shownAt = now;
    });
    if (page.getAttribute("data-page") === "results" && !resultsSeen) {
      resultsSeen = true;
      tracker.report(refresh());
    }
    save();
    if (focusTarget) {
      if (!focusTarget.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(focusTarget.tagName)) {
        focusTarget.setAttribute("tabindex", "-1");
      }
      focusTarget.focus();
      if (focusTarget.scrollIntoView && focusTarget.tagName !== "H1") focusTarget.scrollIntoView();
      else window.scrollTo(0, 0);
    }
  }

  function go(step) {
    show(current + step, pages[Math.max(0, Math.min(current + step, pages.length - 1))].querySelector("h1"));
  }

  function follow(link, event) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var target = document.getElementById(id);
    var page = target && target.closest(".cp-page");
    if (!page) return;
    event.preventDefault();
    var toc = link.closest("details");
    if (toc) toc.open = false;
    var index = pages.indexOf(page);
    show(index, target === page ? page.querySelector("h1") : target);
  }

  /* --- questions ------------------------------------------------------------------------ */

  function check(q) {
    if (q.record.state === "c" || finished) return;
    var payload = q.payload();
    var problem = q.problem(payload);
    if (problem) {
      q.say(strings[problem]);
      return;
    }
    var now = Date.now();
    q.record.attempts += 1;
    q.record.state = "c";
    q.showFeedback(strings, config.attempts);
    tracker.interaction(q, payload, q.result(), q.shownAt || now, now);
    tracker.report(refresh());
    save();
    tracker.commit();
  }

  function retry(q) {
    if (q.record.state !== "c" || q.final(config.attempts)) return;
    q.record.state = "r";
    q.shownAt = Date.now();
    q.showFeedback(strings, config.attempts);
    var first = q.inputs()[0];
    if (first) first.focus();
    refresh();
    save();
  }

  /* --- the session ---------------------------------------------------------------------- */

  function finish() {
    if (finished) return;
    save();
    finished = true;
    tracker.finish(summary().complete);
  }

  function exit() {
    finish();
    pages.forEach(function (page) { page.hidden = true; });
    one(".cp-pager").hidden = true;
    one("[data-action=exit]").hidden = true;
    var ended = one("#cp_ended");
    ended.hidden = false;
    ended.focus();
  }

  /* The LMS's saved progress, completed from the browser's copy where that knows more about a
   * question (an LMS that reset suspend_data, or a last commit that never arrived). A new
   * attempt (entry ab-initio) starts empty. */
  function savedProgress() {
    var fromLms = Coursepack.state.decode(lms.get(lms.names.suspendData));
    if (!lms.live || lms.get(lms.names.entry) === "ab-initio") return fromLms;
    var fromBrowser = Coursepack.state.decode(tracker.mirrored());
    if (!fromBrowser) return fromLms;
    var result = fromLms || { page: fromBrowser.page, records: {} };
    var recorded = parseInt(lms.get("cmi.interactions._count"), 10) || 0;
    Object.keys(fromBrowser.records).forEach(function (key) {
      var mine = fromBrowser.records[key];
      var theirs = result.records[key];
      if (theirs && progress(theirs) >= progress(mine)) return;
      if (mine.interaction !== null && mine.interaction >= recorded) mine.interaction = null;
      result.records[key] = mine;
    });
    return result;
  }

  function progress(record) {
    return record.attempts * 3 + "dcr".indexOf(record.state);
  }

  function restore() {
    var saved = savedProgress();
    if (!saved) return -1;
    Object.keys(saved.records).forEach(function (key) {
      var record = saved.records[key];
      var q = byKey[key];
      if (!q || !q.restore(record.payload)) return;
      q.record.attempts = record.attempts;
      q.record.state = record.state === "c" && q.problem(record.payload) ? "d" : record.state;
      q.record.interaction = record.interaction;
      q.showFeedback(strings, config.attempts);
    });
    return pageIndex(saved.page);
  }

  var actions = {
    next: function () { go(1); },
    start: function () { go(1); },
    previous: function () { go(-1); },
    exit: exit,
    check: function (button) { var q = questionOf(button); if (q) check(q); },
    retry: function (button) { var q = questionOf(button); if (q) retry(q); }
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button && actions[button.getAttribute("data-action")] && button.getAttribute("aria-disabled") !== "true") {
      actions[button.getAttribute("data-action")](button);
      return;
    }
    var link = event.target.closest('a[href^="#"]');
    if (link) follow(link, event);
  });

  function edited(event) {
    var q = questionOf(event.target);
    if (q) q.touch();
  }
  document.addEventListener("input", edited);
  document.addEventListener("change", edited);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches(".cp-question input[type=text]")) {
      event.preventDefault();
      var q = questionOf(event.target);
      if (q) check(q);
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !finished) {
      save();
      tracker.commit();
    }
  });
  window.addEventListener("pagehide", finish);

  lms.initialize();
  one(".cp-preview").hidden = lms.live;
  one("[data-action=exit]").hidden = !lms.live;
  var start = restore();
  if (start < 0) start = Math.max(0, pageIndex(lms.get(lms.names.location)));
  tracker.start(questions);
  show(start, null);
  tracker.report(refresh());
  save();
  tracker.commit();
})(window.Coursepack = window.Coursepack || {});
