/* coursepack SCORM runtime: what the LMS is told -- status, score, interactions, bookmark, time.
 * Moodle grades from the raw score alone (0-100 against the activity's maximum grade 100) and,
 * in SCORM 1.2 with a mastery score, turns the status into passed/failed from it at LMSFinish;
 * so the score is reported only once every graded question has been answered. */
(function (Coursepack) {
  "use strict";

  var format = Coursepack.format;
  var MOODLE_DECIMAL = /^-?\d{1,5}(\.\d{1,18})?$/;
  var RETRY_FIRST = 500;
  var RETRY_MAX = 8000;

  function Tracker(lms, config) {
    this.lms = lms;
    this.names = lms.names;
    this.v12 = lms.version === "1.2";
    this.config = config;
    this.startedAt = Date.now();
    this.nextInteraction = 0;
    this.sent = {};
    this.retryTimer = null;
    this.retryDelay = RETRY_FIRST;
  }

  /* Write a value unless the LMS already has it from this session. */
  Tracker.prototype.set = function (element, value) {
    value = String(value);
    if (this.sent[element] === value) return;
    if (this.lms.set(element, value)) this.sent[element] = value;
  };

  Tracker.prototype.start = function (questions) {
    if (!this.lms.live) return;
    var status = this.lms.get(this.names.completion);
    if (status === "" || status === "not attempted" || status === "unknown") this.set(this.names.completion, "incomplete");
    var next = parseInt(this.lms.get("cmi.interactions._count"), 10) || 0;
    questions.forEach(function (q) {
      if (q.record.interaction !== null) next = Math.max(next, q.record.interaction + 1);
    });
    this.nextInteraction = next;
  };

  /* One interaction per question, kept at the same index when the learner tries again. */
  Tracker.prototype.interaction = function (q, payload, result, startedAt, now) {
    if (!this.lms.live) return;
    if (q.record.interaction === null) q.record.interaction = this.nextInteraction++;
    var prefix = "cmi.interactions." + q.record.interaction + ".";
    var lms = this.lms;
    var def = q.def;
    lms.set(prefix + "id", def.id);
    lms.set(prefix + "type", def.scormType);
    if (!this.v12) lms.set(prefix + "description", def.description);
    lms.set(prefix + "weighting", def.weighting);
    if (this.v12) lms.set(prefix + "time", format.time12(new Date(now)));
    else lms.set(prefix + "timestamp", format.timestamp2004(new Date(startedAt)));
    def.patterns.forEach(function (pattern, i) {
      lms.set(prefix + "correct_responses." + i + ".pattern", pattern);
    });
    var response = q.response(payload, lms.version);
    if (this.v12 || def.type !== "numeric" || MOODLE_DECIMAL.test(response)) {
      lms.set(prefix + this.names.response, response);
    }
    lms.set(prefix + "result", result === null ? "neutral" : result ? "correct" : this.v12 ? "wrong" : "incorrect");
    var latency = Math.max(0, now - startedAt);
    lms.set(prefix + "latency", this.v12 ? format.timespan12(latency) : format.duration2004(latency));
  };

  /* summary: {complete, raw (0-100 or null), passed (true, false or null without a pass mark)}. */
  Tracker.prototype.report = function (summary) {
    if (!this.lms.live || !summary.complete) return;
    var n = this.names;
    if (summary.raw !== null) {
      this.set(n.score + "min", "0");
      this.set(n.score + "max", "100");
      this.set(n.score + "raw", format.decimal(summary.raw));
      if (!this.v12) this.set(n.score + "scaled", format.decimal(Math.round(summary.raw * 100) / 10000));
    }
    if (this.v12) {
      this.set(n.completion, summary.passed === null ? "completed" : summary.passed ? "passed" : "failed");
    } else {
      this.set(n.completion, "completed");
      if (summary.passed !== null) this.set(n.success, summary.passed ? "passed" : "failed");
    }
  };

  /* Bookmark and answers; drafts (answers not yet checked) are the first to go if space runs out. */
  Tracker.prototype.save = function (page, questions) {
    if (!this.lms.live) return;
    var records = questions.filter(function (q) { return q.record.state; }).map(function (q) {
      var r = q.record;
      return { key: r.key, attempts: r.attempts, state: r.state, interaction: r.interaction, payload: q.payload() };
    });
    var limit = this.config.suspendLimit;
    var text = Coursepack.state.encode(page, records);
    this.mirror(text);
    if (text.length > limit) {
      text = Coursepack.state.encode(page, records.filter(function (r) { return r.state !== "d"; }));
    }
    if (text.length <= limit) this.set(this.names.suspendData, text);
    this.set(this.names.location, page);
  };

  /* A refused commit is tried again, sooner at first, then every few seconds, until one passes. */
  Tracker.prototype.commit = function () {
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.lms.live || this.lms.commit()) {
      this.retryDelay = RETRY_FIRST;
      return;
    }
    var tracker = this;
    this.retryTimer = window.setTimeout(function () { tracker.commit(); }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX);
  };

  /* The browser's copy of suspend_data, for an LMS that loses it between sessions: keyed by
   * course, version, SCO and learner, dropped once the attempt is complete. */
  Tracker.prototype.mirrorKey = function () {
    var learner = this.lms.get(this.names.learner);
    if (!learner) return null;
    var c = this.config;
    return ["coursepack", c.course, c.version, c.sco, learner].map(encodeURIComponent).join("/");
  };

  Tracker.prototype.mirror = function (text) {
    try {
      var key = this.mirrorKey();
      if (key === null) return;
      if (text === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, text);
    } catch (error) { /* no storage (private mode, sandboxed frame, quota): the LMS copy only */ }
  };

  Tracker.prototype.mirrored = function () {
    try {
      var key = this.mirrorKey();
      return key === null ? null : window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  };

  Tracker.prototype.finish = function (complete) {
    if (!this.lms.live) return;
    var n = this.names;
    if (this.retryTimer !== null) this.commit();  // the last refused commit, once more
    if (this.retryTimer !== null) window.clearTimeout(this.retryTimer);
    if (complete) this.mirror(null);
    this.set(n.exit, complete ? (this.v12 ? "" : "normal") : "suspend");
    var elapsed = Date.now() - this.startedAt;
    this.lms.set(n.sessionTime, this.v12 ? format.timespan12(elapsed) : format.duration2004(elapsed));
    this.lms.terminate();
  };

  Coursepack.Tracker = Tracker;
})(window.Coursepack = window.Coursepack || {});
