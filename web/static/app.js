// lexharmony: small optional enhancements. Every page works without this file.
// - "copy permalink" and "copy citation" buttons beside each clause of the law reader
//   (elements with data-permalink / data-citation); without JavaScript the permalink is a link;
// - the "/" key focuses the search box (unless typing in a field).
(function () {
  "use strict";

  var status = null;

  function announce(text) {
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.id = "copy-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = text;
  }

  // Copy through a hidden text area: works where the Clipboard API is not offered (plain http).
  function copyByCommand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text, button, what) {
    var label = button.textContent;
    function done(ok) {
      button.textContent = ok ? "copied" : "copy failed";
      button.setAttribute("data-copied", ok ? "yes" : "no");
      announce(ok ? what + " copied: " + text : "Could not copy the " + what + ".");
      window.setTimeout(function () {
        button.textContent = label;
      }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(true); },
        function () { done(copyByCommand(text)); }
      );
    } else {
      done(copyByCommand(text));
    }
  }

  function button(text, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = text;
    b.title = title;
    return b;
  }

  function addCopyButtons() {
    var marks = document.querySelectorAll("[data-permalink]");
    for (var i = 0; i < marks.length; i++) {
      (function (p) {
        var url = window.location.origin + p.getAttribute("data-permalink");
        var cite = p.getAttribute("data-citation");
        var perm = button("copy permalink", "Copy the permanent address of this clause");
        perm.addEventListener("click", function () { copy(url, perm, "Permalink"); });
        p.appendChild(document.createTextNode(" "));
        p.appendChild(perm);
        if (cite) {
          var c = button("copy citation", "Copy a citation of this clause with its permalink");
          c.addEventListener("click", function () { copy(cite + " — " + url, c, "Citation"); });
          p.appendChild(document.createTextNode(" "));
          p.appendChild(c);
        }
      })(marks[i]);
    }
  }

  function searchShortcut() {
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
      var box = document.getElementById("q") || document.getElementById("site-q");
      if (box) {
        e.preventDefault();
        box.focus();
      }
    });
  }

  function start() {
    addCopyButtons();
    searchShortcut();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
