/* coursepack SCORM runtime: the learner's progress <-> suspend_data.
 *
 *   suspend_data = "cp1;" page ";" record*
 *   record       = key "," attempts "," state "," interaction "," length ":" payload ";"
 *
 * key: five base-36 characters, a hash of the question id (made at build time), so answers are
 * found again by question even when questions are added, removed or moved. attempts: checks
 * made (base 36). state: "d" answered but not checked, "c" checked (feedback shown), "r" trying
 * again after a wrong check. interaction: the cmi.interactions index the question was recorded
 * at (base 36, empty when not recorded). payload: the answer (see quiz.js), length-prefixed so
 * any text fits without escaping. "cp1" names this encoding: a later version gets "cp2".
 * Decoding never throws: garbage gives nothing, a damaged tail is dropped. builders/scorm_quiz.py
 * has the same encoder to work out the worst-case size at build time. */
(function (Coursepack) {
  "use strict";

  var FORMAT = "cp1";
  var MAX_COUNT = 36 * 36 - 1;
  var BASE36 = /^[0-9a-z]+$/;

  function base36(number) {
    return Math.min(number, MAX_COUNT).toString(36);
  }

  function encodeRecord(record) {
    var index = record.interaction === null || record.interaction === undefined ? "" : base36(record.interaction);
    return record.key + "," + base36(record.attempts) + "," + record.state + "," + index + "," +
      record.payload.length.toString(36) + ":" + record.payload + ";";
  }

  function encode(page, records) {
    return FORMAT + ";" + page + ";" + records.map(encodeRecord).join("");
  }

  function parseCount(text) {
    return BASE36.test(text) ? parseInt(text, 36) : NaN;
  }

  /* -> {page: string, records: {key: record}} or null when the text is not ours. */
  function decode(text) {
    if (typeof text !== "string" || text.indexOf(FORMAT + ";") !== 0) return null;
    var pos = FORMAT.length + 1;
    var end = text.indexOf(";", pos);
    if (end < 0) return null;
    var result = { page: text.slice(pos, end), records: {} };
    pos = end + 1;
    while (pos < text.length) {
      var colon = text.indexOf(":", pos);
      if (colon < 0) break;
      var head = text.slice(pos, colon).split(",");
      var length = parseCount(head[4]);
      if (head.length !== 5 || isNaN(length) || !/^[dcr]$/.test(head[2])) break;
      var payload = text.substr(colon + 1, length);
      if (payload.length !== length || text.charAt(colon + 1 + length) !== ";") break;
      result.records[head[0]] = {
        key: head[0], attempts: parseCount(head[1]) || 0, state: head[2],
        interaction: isNaN(parseCount(head[3])) ? null : parseCount(head[3]), payload: payload
      };
      pos = colon + 2 + length;
    }
    return result;
  }

  Coursepack.state = { encode: encode, decode: decode, FORMAT: FORMAT };
})(window.Coursepack = window.Coursepack || {});
