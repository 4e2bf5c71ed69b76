/* coursepack preview LMS and inspector.
 * The LMS is scorm-again (MIT, shipped next to this file) in this window; the SCO runs in an
 * iframe and finds it the standard way. Every API call goes through a wrapper that logs its
 * arguments, result and error code, checks each SetValue against Moodle's value rules
 * (moodle-rules.json, the same data the tests read), and keeps what Moodle would store: the
 * values it accepts, saved at each successful Commit/Finish. The stored data lives in
 * sessionStorage, so a live reload or "Relaunch" resumes from it as Moodle would. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("preview-config").textContent);
  var RULES = JSON.parse(document.getElementById("moodle-rules").textContent);
  var v12 = config.version === "1.2";
  var rules = RULES[config.version];
  var N = v12
    ? {init: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit",
       lastError: "LMSGetLastError", errorString: "LMSGetErrorString", diagnostic: "LMSGetDiagnostic",
       raw: "cmi.core.score.raw", status: "cmi.core.lesson_status", exit: "cmi.core.exit",
       location: "cmi.core.lesson_location"}
    : {init: "Initialize", finish: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit",
       lastError: "GetLastError", errorString: "GetErrorString", diagnostic: "GetDiagnostic",
       raw: "cmi.score.raw", status: "cmi.completion_status", success: "cmi.success_status", exit: "cmi.exit",
       location: "cmi.location"};
  var QUERIES = [N.lastError, N.errorString, N.diagnostic];
  /* Moodle's error codes when its save fails: 101 general exception (1.2); 391 commit failed,
   * 111 general termination failure (2004). */
  var SAVE_FAILED = v12 ? {commit: "101", finish: "101"} : {commit: "391", finish: "111"};
  var SUSPEND_LIMIT = v12 ? 4096 : 64000;
  var KEY = "coursepack-lms:" + config.course + ":" + config.version;

  /* ---- Moodle's value rules (the same reading as tests/scorm/moodle_rules.py) ---- */

  function matches(name, value, nonempty) {
    var m = new RegExp(rules.patterns[name]).exec(value);
    return m !== null && (!nonempty || m[0] !== "" || value === "");
  }

  function generic(element) {
    return element.replace(/\.\d+\./, ".n.").replace(/\.\d+\./, ".n.");
  }

  function inRange(value, range) {
    var number = Number(value);
    return value.trim() !== "" && !isNaN(number) && number >= range[0] && number <= range[1];
  }

  function responseProblem(kind, value, isPattern) {
    var rule = RULES["2004"].responses[kind];
    if (!rule) return "no interaction type set before the response ('" + kind + "')";
    var node = rule.node, ok;
    var each = function (list, test) { return list.every(test); };
    if (rule.values) ok = rule.values.indexOf(value) >= 0;
    else if (rule.pair) {
      ok = each(value.split(rule.separator), function (item) {
        var pair = item.split(rule.pair);
        return pair.length === 2 && each(pair, function (x) { return matches(node, x); });
      });
    } else if (rule.patternSeparator) {
      var nodes = isPattern ? value.split(rule.patternSeparator) : [value];
      ok = each(nodes, function (x) { return matches(node, x); }) && nodes.length <= rule.maxNodes;
    } else if (rule.maxNodeLength) {
      ok = each(value.split(rule.separator), function (x) { return x.length <= rule.maxNodeLength; });
    } else if (rule.maxLength) {
      ok = value.length <= rule.maxLength && value.indexOf(rule.forbiddenStart) !== 0;
    } else {
      var parts = value.split(rule.separator);
      ok = each(parts, function (x) { return matches(node, x); }) && parts.length <= rule.maxNodes;
    }
    return ok ? "" : rule.reason;
  }

  /* Why Moodle would refuse element = value ("" when it would store it). */
  function moodleProblem(element, value, types) {
    var name = generic(element);
    var rule = rules.elements[name];
    if (!rule) return "Moodle's SCORM " + config.version + " data model has no writable element " + name;
    if (rule.response) return responseProblem(types[/^cmi\.interactions\.(\d+)\./.exec(element)[1]] || "", value, !!rule.isPattern);
    var reason = rule.reason || "";
    if (rule.required && value === "") return reason || "must not be empty";
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return reason || "longer than " + rule.maxLength + " characters";
    if (rule.pattern && !matches(rule.pattern, value, !!rule.nonempty)) return reason || "not " + rule.pattern;
    if (rule.range && !inRange(value, rule.range)) return reason || "outside " + rule.range[0] + ".." + rule.range[1];
    return "";
  }

  /* ---- what Moodle stores, across launches and attempts ---- */

  function freshStore() { return {attempts: [{}], failSave: false}; }
  var store;
  try { store = JSON.parse(sessionStorage.getItem(KEY)) || freshStore(); } catch (error) { store = freshStore(); }
  function save() { try { sessionStorage.setItem(KEY, JSON.stringify(store)); } catch (error) { /* ignore */ } }
  function attempt() { return store.attempts[store.attempts.length - 1]; }
  function stored() {
    var a = attempt();
    if (!a[config.sco]) a[config.sco] = {};
    return a[config.sco];
  }

  /* Moodle's LMSFinish (StoreData with the total time): "not attempted" becomes "completed";
   * with a mastery score, in normal mode and for credit, the raw score decides passed/failed.
   * (Its SCORM 2004 Terminate means to set success_status from score.scaled too, but tests
   * cmi.scaled_passed_score, which does not exist: it never does, so neither does this.) */
  function finishRules(values) {
    if (!v12) return;
    var status = values[N.status] || "not attempted";
    if (status === "not attempted") status = "completed";
    if (config.passingScore !== null && values[N.raw] !== undefined && values[N.raw] !== "") {
      status = parseFloat(values[N.raw]) >= config.passingScore ? "passed" : "failed";
    }
    values[N.status] = status;
  }

  /* scorm_grade_user_attempt with GRADEHIGHEST: the highest raw score of the attempt's SCOs
   * (an empty or zero score counts as none); whatgrade HIGHESTATTEMPT: the best attempt. */
  function grade() {
    var best = null;
    store.attempts.forEach(function (a) {
      var top = 0, any = false;
      Object.keys(a).forEach(function (sco) {
        var raw = parseFloat(a[sco][N.raw]);
        if (raw) { any = true; top = Math.max(top, Math.round(raw * 100) / 100); }
      });
      if (any) best = Math.max(best === null ? 0 : best, top);
    });
    return best;
  }

  function launchData() {
    var s = stored();
    var started = Object.keys(s).length > 0;
    var entry = !started ? "ab-initio" : s[N.exit] === "suspend" ? "resume" : "";
    var score = {raw: s[N.raw] || "", min: s[v12 ? "cmi.core.score.min" : "cmi.score.min"] || "",
                 max: s[v12 ? "cmi.core.score.max" : "cmi.score.max"] || ""};
    if (v12) {
      var cmi = {core: {student_id: "preview", student_name: "Preview, Learner", lesson_mode: "normal", credit: "credit",
                        entry: entry, lesson_location: s[N.location] || "", lesson_status: s[N.status] || "not attempted",
                        score: score},
                 suspend_data: s["cmi.suspend_data"] || ""};
      if (config.passingScore !== null) cmi.student_data = {mastery_score: String(config.passingScore)};
      return cmi;
    }
    var data = {learner_id: "preview", learner_name: "Preview, Learner", mode: "normal", credit: "credit", entry: entry,
                location: s[N.location] || "", completion_status: s[N.status] || "unknown",
                success_status: s[N.success] || "unknown", suspend_data: s["cmi.suspend_data"] || ""};
    if (score.raw !== "") {
      data.score = score;
      if (s["cmi.score.scaled"]) data.score.scaled = s["cmi.score.scaled"];
    }
    if (config.passingScore !== null) data.scaled_passing_score = String(config.passingScore / 100);
    return data;
  }

  /* ---- the inspector panel ---- */

  var panel = document.getElementById("lms-inspector");
  var callList = document.getElementById("lms-calls");
  var session = null;

  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function show() {
    var s = stored();
    var suspend = (s["cmi.suspend_data"] || "").length;
    var g = grade();
    panel.setAttribute("data-score-raw", s[N.raw] || "");
    if (v12) panel.setAttribute("data-lesson-status", s[N.status] || "");
    else {
      panel.setAttribute("data-completion-status", s[N.status] || "");
      panel.setAttribute("data-success-status", s[N.success] || "");
    }
    panel.setAttribute("data-suspend-data-length", String(suspend));
    panel.setAttribute("data-rejected-calls", String(session ? session.rejected : 0));
    panel.setAttribute("data-grade", g === null ? "" : String(g));
    panel.setAttribute("data-attempt", String(store.attempts.length));
    var rows = [["Attempt", String(store.attempts.length)], ["Score (raw)", s[N.raw] || "none"]];
    if (v12) rows.push(["Lesson status", s[N.status] || "not attempted"]);
    else rows.push(["Completion status", s[N.status] || "unknown"], ["Success status", s[N.success] || "unknown"]);
    rows.push(["Gradebook grade", g === null ? "none" : g.toFixed(2) + " / " + RULES.defaults.maxgrade]);
    rows.push(["suspend_data", suspend + " of " + SUSPEND_LIMIT + " characters" + (v12 && suspend > 4096 ? " (over SCORM 1.2's limit)" : "")]);
    rows.push(["Bookmark", s[N.location] || "none"]);
    rows.push(["Calls Moodle would refuse", String(session ? session.rejected : 0)]);
    rows.push(["Values set, not yet saved", String(session ? Object.keys(session.pending).length : 0)]);
    var list = document.getElementById("lms-stored");
    list.textContent = "";
    rows.forEach(function (row) {
      list.appendChild(text("dt", row[0]));
      list.appendChild(text("dd", row[1]));
    });
    var fail = panel.querySelector('[data-lms="fail-save"]');
    fail.setAttribute("aria-pressed", store.failSave ? "true" : "false");
  }

  function logCall(entry) {
    var item = document.createElement("li");
    var call = entry.name + "(" + entry.args.map(function (a) { return JSON.stringify(a); }).join(", ") + ")";
    item.appendChild(text("code", call));
    item.appendChild(document.createTextNode(" → "));
    item.appendChild(text("code", JSON.stringify(entry.result)));
    if (entry.code !== "") item.appendChild(text("span", " error " + entry.code, entry.code === "0" ? "cp-code" : "cp-code cp-failed"));
    if (entry.moodle) {
      item.className = "cp-rejected";
      item.appendChild(text("span", " Moodle would refuse this: " + entry.moodle, "cp-reason"));
    }
    callList.appendChild(item);
    item.scrollIntoView({block: "nearest"});
  }

  /* ---- one launch: an API object, wrapped, and the SCO in its frame ---- */

  function Session() {
    var settings = {autocommit: false, logLevel: 5, lmsCommitUrl: false, mastery_override: true};
    var api = v12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    try { api.loadFromJSON(launchData(), "cmi"); } catch (error) { window.console.warn("coursepack preview: launch data", error); }
    this.api = api;
    this.pending = {};
    this.types = {};
    this.rejected = 0;
    this.forced = null;
    var self = this;
    var originals = {};
    Object.keys(N).forEach(function (key) {
      var name = N[key];
      if (typeof api[name] !== "function" || originals[name]) return;
      originals[name] = api[name].bind(api);
      api[name] = function () { return self.call(name, originals, Array.prototype.slice.call(arguments)); };
    });
    window[v12 ? "API" : "API_1484_11"] = api;
  }

  Session.prototype.call = function (name, originals, args) {
    var query = QUERIES.indexOf(name) >= 0;
    var result, moodle = "";
    if (query && name === N.lastError && this.forced !== null) result = this.forced;
    else if (query) result = String(originals[name].apply(null, args));
    else {
      this.forced = null;
      if ((name === N.commit || name === N.finish) && store.failSave) {
        var real = String(originals[name].apply(null, args));
        result = "false";
        if (real === "true") this.forced = name === N.commit ? SAVE_FAILED.commit : SAVE_FAILED.finish;
      } else {
        result = String(originals[name].apply(null, args));
      }
    }
    var code = query ? "" : this.forced !== null ? this.forced : String(originals[N.lastError]());
    if (name === N.set) {
      var element = String(args[0]), value = String(args[1]);
      var type = /^cmi\.interactions\.(\d+)\.type$/.exec(element);
      if (type) this.types[type[1]] = value;
      moodle = moodleProblem(element, value, this.types);
      if (moodle) this.rejected += 1;
      else if (result === "true") this.pending[element] = value;
    }
    if ((name === N.commit || name === N.finish) && result === "true") {
      var values = stored();
      Object.keys(this.pending).forEach(function (key) { values[key] = this.pending[key]; }, this);
      this.pending = {};
      if (name === N.finish) finishRules(values);
      save();
    }
    logCall({name: name, args: args.map(String), result: result, code: code, moodle: moodle});
    show();
    return result;
  };

  function stop() {
    var holder = document.getElementById("sco-holder");
    var frame = holder.querySelector("iframe");
    if (frame) frame.remove();  // the SCO's pagehide: it finishes its session
  }

  function launch() {
    stop();
    session = new Session();
    callList.appendChild(text("li", "Launch " + (store.attempts.length) + "." + " entry: " +
      (v12 ? session.api.cmi.core.entry : session.api.cmi.entry), "cp-launch"));
    var frame = document.createElement("iframe");
    frame.title = "SCO: " + config.title;
    frame.name = "sco";
    frame.src = config.scoUrl;
    document.getElementById("sco-holder").appendChild(frame);
    show();
  }

  function forgetMirror() {
    /* the runtime keeps a copy of suspend_data in localStorage for LMSs that lose it */
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf("coursepack/" + encodeURIComponent(config.course) + "/") === 0) localStorage.removeItem(key);
      });
    } catch (error) { /* ignore */ }
  }

  var actions = {
    "relaunch": function () { launch(); },
    "new-attempt": function () { stop(); store.attempts.push({}); forgetMirror(); save(); launch(); },
    "fail-save": function () { store.failSave = !store.failSave; save(); show(); },
    "forget": function () { stop(); store = freshStore(); forgetMirror(); save(); callList.textContent = ""; launch(); }
  };

  document.addEventListener("DOMContentLoaded", function () {
    panel.querySelectorAll("button[data-lms]").forEach(function (button) {
      button.addEventListener("click", function () { actions[button.getAttribute("data-lms")](); });
    });
    window.addEventListener("pagehide", stop);
    launch();
  });

  window.coursepackPreview = {moodleProblem: moodleProblem, grade: grade, store: function () { return store; }};
})();
