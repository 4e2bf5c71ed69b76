/* coursepack SCORM runtime: values written the way SCORM 1.2, SCORM 2004 and Moodle accept them.
 * Moodle's checks are stricter than the standard: 1.2 timespans HH:MM:SS.SS (2-4 hour digits),
 * 2004 timestamps and durations with at most two fractional-second digits, 2004 decimals with at
 * most five digits before the point. */
(function (Coursepack) {
  "use strict";

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = "0" + text;
    return text;
  }

  /* Milliseconds -> [hours, minutes, seconds, centiseconds]. */
  function parts(ms) {
    var cs = Math.max(0, Math.round(ms / 10));
    var hours = Math.floor(cs / 360000);
    cs -= hours * 360000;
    var minutes = Math.floor(cs / 6000);
    cs -= minutes * 6000;
    var seconds = Math.floor(cs / 100);
    return [hours, minutes, seconds, cs - seconds * 100];
  }

  /* SCORM 1.2 CMITimespan, e.g. "00:05:07.25". */
  function timespan12(ms) {
    var p = parts(ms);
    return pad(Math.min(p[0], 9999), 2) + ":" + pad(p[1], 2) + ":" + pad(p[2], 2) + "." + pad(p[3], 2);
  }

  /* SCORM 2004 duration, e.g. "PT0H5M7.25S". */
  function duration2004(ms) {
    var p = parts(ms);
    return "PT" + p[0] + "H" + p[1] + "M" + p[2] + "." + pad(p[3], 2) + "S";
  }

  /* SCORM 1.2 CMITime: the local time of day, "14:03:59". */
  function time12(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  /* SCORM 2004 time: UTC with two fractional digits (Moodle accepts "Z" only after them). */
  function timestamp2004(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2) +
      "T" + pad(date.getUTCHours(), 2) + ":" + pad(date.getUTCMinutes(), 2) + ":" + pad(date.getUTCSeconds(), 2) +
      "." + pad(Math.floor(date.getUTCMilliseconds() / 10), 2) + "Z";
  }

  /* A number without exponent or trailing zeros: "3.14", "42". */
  function decimal(number) {
    if (!isFinite(number)) return "0";
    var text = String(number);
    if (/e/i.test(text)) text = number.toFixed(10).replace(/\.?0+$/, "");
    return text === "-0" ? "0" : text;
  }

  function round2(number) {
    return Math.round(number * 100) / 100;
  }

  /* Free text for a SCORM 2004 response: no "[,]" delimiter, no leading "{", one line. */
  function responseText(text, limit) {
    var clean = String(text).split("[,]").join(",").replace(/\s+/g, " ").trim().replace(/^\{+/, "");
    return clean.slice(0, limit);
  }

  /* A learner's number: "3.14", "-2", "3,14" (decimal comma); NaN when it is not one. */
  function parseNumber(text) {
    var clean = String(text).trim().replace(/\s/g, "");
    if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(clean)) return NaN;
    return parseFloat(clean.replace(",", "."));
  }

  Coursepack.format = {
    timespan12: timespan12, duration2004: duration2004, time12: time12, timestamp2004: timestamp2004,
    decimal: decimal, round2: round2, responseText: responseText, parseNumber: parseNumber
  };
})(window.Coursepack = window.Coursepack || {});
