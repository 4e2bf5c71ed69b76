/* coursepack SCORM runtime: finding the LMS's API and talking to it.
 * The API is looked for the standard way: this window and its parents (at most MAX_DEPTH up),
 * then the opener and its parents; every access is guarded because a parent may be a frame of
 * another origin. Without an API (the package opened from disk) nothing is recorded. */
(function (Coursepack) {
  "use strict";

  var MAX_DEPTH = 10;

  var NAMES = {
    "1.2": {
      api: "API", initialize: "LMSInitialize", terminate: "LMSFinish", getValue: "LMSGetValue",
      setValue: "LMSSetValue", commit: "LMSCommit", lastError: "LMSGetLastError",
      errorString: "LMSGetErrorString",
      completion: "cmi.core.lesson_status", location: "cmi.core.lesson_location",
      exit: "cmi.core.exit", sessionTime: "cmi.core.session_time", score: "cmi.core.score.",
      suspendData: "cmi.suspend_data", response: "student_response", learner: "cmi.core.student_id",
      entry: "cmi.core.entry"
    },
    "2004": {
      api: "API_1484_11", initialize: "Initialize", terminate: "Terminate", getValue: "GetValue",
      setValue: "SetValue", commit: "Commit", lastError: "GetLastError", errorString: "GetErrorString",
      completion: "cmi.completion_status", success: "cmi.success_status", location: "cmi.location",
      exit: "cmi.exit", sessionTime: "cmi.session_time", score: "cmi.score.",
      suspendData: "cmi.suspend_data", response: "learner_response", learner: "cmi.learner_id",
      entry: "cmi.entry"
    }
  };

  function lookup(win, name) {
    for (var depth = 0; win && depth <= MAX_DEPTH; depth += 1) {
      try {
        if (win[name]) return win[name];
      } catch (error) { /* a frame of another origin */ }
      var parent = null;
      try { parent = win.parent; } catch (error) { parent = null; }
      if (!parent || parent === win) return null;
      win = parent;
    }
    return null;
  }

  function findApi(name) {
    var api = lookup(window, name);
    var openers = [];
    try { openers.push(window.opener); } catch (error) { /* ignore */ }
    try { openers.push(window.top.opener); } catch (error) { /* ignore */ }
    for (var i = 0; !api && i < openers.length; i += 1) {
      if (openers[i]) api = lookup(openers[i], name);
    }
    return api;
  }

  /* One SCORM session: Initialize once, Terminate once; after that, nothing is sent. */
  function Lms(version) {
    this.version = version;
    this.names = NAMES[version];
    this.api = findApi(this.names.api);
    this.live = false;
    this.ended = false;
  }

  Lms.prototype.call = function (method, args) {
    try {
      return String(this.api[method].apply(this.api, args));
    } catch (error) {
      return "false";
    }
  };

  Lms.prototype.initialize = function () {
    if (this.api && !this.ended) this.live = this.call(this.names.initialize, [""]) === "true";
    return this.live;
  };

  Lms.prototype.get = function (element) {
    return this.live ? this.call(this.names.getValue, [element]) : "";
  };

  /* Some LMSs answer "false" yet report no error (code 0) and keep the value: that is a
   * warning, not a failure. */
  Lms.prototype.set = function (element, value) {
    if (!this.live) return false;
    if (this.call(this.names.setValue, [element, String(value)]) === "true") return true;
    var code = this.call(this.names.lastError, []);
    var stored = code === "0" || code === "";
    if (window.console) {
      window.console.warn("coursepack: SetValue(" + element + ") returned false, error " + code + " " +
        this.call(this.names.errorString, [code]) + (stored ? " (no error: taken as stored)" : ""));
    }
    return stored;
  };

  Lms.prototype.commit = function () {
    return this.live && this.call(this.names.commit, [""]) === "true";
  };

  Lms.prototype.terminate = function () {
    if (!this.live) return false;
    this.live = false;
    this.ended = true;
    return this.call(this.names.terminate, [""]) === "true";
  };

  Coursepack.Lms = Lms;
})(window.Coursepack = window.Coursepack || {});
