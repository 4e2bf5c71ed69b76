/* coursepack SCORM runtime: one question on the page -- its answer, grading and feedback.
 *
 * An answer is kept as a compact "payload" string (saved in suspend_data):
 *   single "b"; multiple "ac" (the option identifiers); true-false "t" or "f";
 *   fill-in, numeric, essay: the text as typed; matching: the chosen right-hand identifier of
 *   each left item in source order ("-" for none); ordering: the chosen position minus one, in
 *   base 36, of each item in its correct order ("-" for none).
 * Grading: points-weighted and all-or-nothing; fill-in trimmed and case-insensitive; numeric
 * within the tolerance; essays are recorded, never graded. */
(function (Coursepack) {
  "use strict";

  var format = Coursepack.format;
  var ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  var LEFT_IDS = "123456789abcdefghijklmnopqrstuvwxyz";
  var SEPARATORS = { "1.2": [",", "."], "2004": ["[,]", "[.]"] };

  function normalize(text) {
    var value = String(text);
    if (value.normalize) value = value.normalize("NFC");
    return value.replace(/\s+/g, " ").trim().toLowerCase();
  }

  function unique(text) {
    for (var i = 0; i < text.length; i += 1) {
      if (text.indexOf(text.charAt(i)) !== i) return false;
    }
    return true;
  }

  /* What differs between question types: reading, writing, checking, grading, reporting. */
  var choice = {
    read: function (q) {
      return q.inputs().filter(function (input) { return input.checked; }).map(function (input) {
        return q.def.type === "true-false" ? input.value.charAt(0) : input.value;
      }).join("");
    },
    write: function (q, payload) {
      var inputs = q.inputs();
      var values = inputs.map(function (input) {
        return q.def.type === "true-false" ? input.value.charAt(0) : input.value;
      });
      var chars = payload.split("");
      if (!chars.every(function (c) { return values.indexOf(c) >= 0; })) return false;
      if (q.def.type !== "multiple" && chars.length > 1) return false;
      inputs.forEach(function (input, i) { input.checked = chars.indexOf(values[i]) >= 0; });
      return true;
    },
    problem: function (q, payload) { return payload ? "" : "answer_first"; },
    grade: function (q, payload) {
      if (q.def.type === "true-false") return (payload === "t") === q.def.correct;
      return payload.split("").sort().join("") === q.def.correct.slice().sort().join("");
    },
    response: function (q, payload, version) {
      if (q.def.type === "true-false" && version === "2004") return payload === "t" ? "true" : "false";
      return payload.split("").join(SEPARATORS[version][0]);
    }
  };

  var text = {
    read: function (q) { return q.inputs()[0].value.slice(0, q.def.maxLength); },
    write: function (q, payload) {
      if (payload.length > q.def.maxLength) return false;
      q.inputs()[0].value = payload;
      return true;
    },
    problem: function (q, payload) {
      if (!payload.trim()) return "answer_first";
      return q.def.type === "numeric" && isNaN(format.parseNumber(payload)) ? "enter_number" : "";
    },
    grade: function (q, payload) {
      if (q.def.type === "essay") return null;
      if (q.def.type === "numeric") {
        var value = format.parseNumber(payload);
        var slack = 1e-9 * Math.max(1, Math.abs(q.def.correct.answer));
        return Math.abs(value - q.def.correct.answer) <= q.def.correct.tolerance + slack;
      }
      var given = normalize(payload);
      return q.def.correct.some(function (answer) { return normalize(answer) === given; });
    },
    response: function (q, payload, version) {
      if (q.def.type === "numeric") return format.decimal(format.parseNumber(payload));
      if (version === "1.2") return payload.trim().slice(0, 255);
      return format.responseText(payload, q.def.type === "essay" ? 4000 : 250);
    }
  };

  /* Matching and ordering: one select per row. */
  var rows = {
    read: function (q) {
      var selects = q.selectsInSourceOrder();
      return selects.map(function (select) {
        if (!select.value) return "-";
        return q.def.type === "matching" ? select.value : (parseInt(select.value, 10) - 1).toString(36);
      }).join("");
    },
    write: function (q, payload) {
      var selects = q.selectsInSourceOrder();
      if (payload.length !== selects.length) return false;
      var values = payload.split("").map(function (c) {
        if (c === "-") return "";
        return q.def.type === "matching" ? c : String(parseInt(c, 36) + 1);
      });
      var valid = values.every(function (value, i) {
        return value === "" || Array.prototype.some.call(selects[i].options, function (o) { return o.value === value; });
      });
      if (!valid) return false;
      selects.forEach(function (select, i) { select.value = values[i]; });
      return true;
    },
    problem: function (q, payload) {
      if (payload.indexOf("-") >= 0) return "answer_first";
      return q.def.type === "ordering" && !unique(payload) ? "positions_unique" : "";
    },
    grade: function (q, payload) {
      if (q.def.type === "matching") return payload === q.def.correct.join("");
      return payload.split("").every(function (c, i) { return parseInt(c, 36) === i; });
    },
    response: function (q, payload, version) {
      var seps = SEPARATORS[version];
      if (q.def.type === "matching") {
        return payload.split("").map(function (right, i) { return LEFT_IDS.charAt(i) + seps[1] + right; }).join(seps[0]);
      }
      var items = payload.split("").map(function (c, i) { return [parseInt(c, 36), ALPHABET.charAt(i)]; });
      items.sort(function (a, b) { return a[0] - b[0]; });
      return items.map(function (item) { return item[1]; }).join(seps[0]);
    }
  };

  var KINDS = {
    "single": choice, "multiple": choice, "true-false": choice, "fill-in": text, "numeric": text,
    "essay": text, "matching": rows, "ordering": rows
  };

  /* def: the question's entry in the runtime JSON; element: its fieldset. */
  function Question(def, element) {
    this.def = def;
    this.element = element;
    this.kind = KINDS[def.type];
    this.record = { key: def.key, attempts: 0, state: "", interaction: null };
    this.shownAt = null;
  }

  Question.prototype.inputs = function () {
    return Array.prototype.slice.call(this.element.querySelectorAll("input, select, textarea"));
  };

  /* Matching rows are printed in source order, ordering rows shuffled: sort both back. */
  Question.prototype.selectsInSourceOrder = function () {
    var ids = this.def.type === "matching" ? LEFT_IDS : ALPHABET;
    return this.inputs().sort(function (a, b) {
      return ids.indexOf(a.getAttribute("data-row")) - ids.indexOf(b.getAttribute("data-row"));
    });
  };

  Question.prototype.payload = function () { return this.kind.read(this); };
  Question.prototype.restore = function (payload) { return this.kind.write(this, payload); };
  Question.prototype.problem = function (payload) { return this.kind.problem(this, payload); };
  Question.prototype.grade = function (payload) { return this.kind.grade(this, payload); };
  Question.prototype.response = function (payload, version) { return this.kind.response(this, payload, version); };

  /* The result of the last check: true, false, null (essay, or never checked). */
  Question.prototype.result = function () {
    if (this.record.state === "c") return this.grade(this.payload());
    return this.record.state === "r" ? false : null;
  };

  Question.prototype.answered = function () { return this.record.attempts > 0; };

  Question.prototype.attemptsLeft = function (limit) {
    return limit > 0 ? Math.max(0, limit - this.record.attempts) : Infinity;
  };

  /* No more tries: right, an essay, or the attempts used up. */
  Question.prototype.final = function (limit) {
    var result = this.result();
    return this.record.state === "c" && (result !== false || this.attemptsLeft(limit) === 0);
  };

  Question.prototype.touch = function () {
    if (this.record.state === "") this.record.state = "d";
  };

  Question.prototype.lock = function (locked) {
    this.inputs().forEach(function (input) { input.disabled = locked; });
    var check = this.element.querySelector("[data-action=check]");
    if (locked) check.setAttribute("aria-disabled", "true");
    else check.removeAttribute("aria-disabled");
  };

  Question.prototype.say = function (message) {
    this.element.querySelector(".cp-result").textContent = message;
  };

  Question.prototype.part = function (selector) {
    return this.element.querySelector(selector);
  };

  /* Show the outcome of the last check (or hide it when there is none). */
  Question.prototype.showFeedback = function (strings, limit) {
    var checked = this.record.state === "c";
    var result = this.result();
    var final = this.final(limit);
    var selected = checked ? this.payload() : "";
    Array.prototype.forEach.call(this.element.querySelectorAll("[data-feedback-for]"), function (note) {
      note.hidden = selected.indexOf(note.getAttribute("data-feedback-for")) < 0;
    });
    var explanation = this.part(".cp-explanation");
    if (explanation) explanation.hidden = !checked;
    this.part(".cp-answer").hidden = !(checked && (result === null || (final && result === false)));
    this.part("[data-action=retry]").hidden = !(checked && !final);
    this.element.classList.toggle("cp-is-correct", checked && result === true);
    this.element.classList.toggle("cp-is-wrong", checked && result === false);
    this.lock(checked);
    this.say(checked ? this.message(strings, limit) : "");
  };

  Question.prototype.message = function (strings, limit) {
    var result = this.result();
    if (result === null) return strings.answer_recorded;
    if (result) return strings.correct + ".";
    var left = this.attemptsLeft(limit);
    if (left === Infinity) return strings.incorrect + ".";
    return strings.incorrect + ". " + (left > 0 ? strings.attempts_left + ": " + left : strings.no_attempts_left) + ".";
  };

  Coursepack.Question = Question;
})(window.Coursepack = window.Coursepack || {});
