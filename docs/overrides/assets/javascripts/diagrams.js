/*
 * Render this page's diagrams with the site's own mermaid (mermaid.min.js,
 * loaded just before this file). Each <figure class="k8s-diagram"> holds the
 * hidden source and, for readers without JavaScript, a <noscript> image of the
 * pre-rendered SVG (docs/hooks/diagrams.py). The drawing is one image to
 * assistive technology, named by the diagram in words (data-alt): mermaid's
 * boxes and paths read one by one make no sense. site_tools/render_diagrams.py
 * uses the same config through window.k8sDiagrams to pre-render those SVGs.
 */
(function () {
  "use strict";

  var config = {
    startOnLoad: false,
    securityLevel: "strict",
    theme: "default",
    // Plain SVG text, no <foreignObject>: the pre-rendered SVGs are shown in
    // an <img>, where HTML labels are not reliable.
    htmlLabels: false,
    flowchart: { htmlLabels: false },
    fontFamily: "-apple-system, BlinkMacSystemFont, \"Segoe UI\", Helvetica, Arial, \"Hiragino Sans\", " +
      "\"Noto Sans CJK JP\", \"IPAexGothic\", \"IPAPGothic\", Meiryo, sans-serif"
  };
  var ready = false;

  function render(id, source) {
    if (!ready) {
      window.mermaid.initialize(config);
      ready = true;
    }
    return window.mermaid.render(id, source).then(function (result) {
      return result.svg;
    });
  }

  function showFallback(figure) {
    var img = document.createElement("img");
    img.className = "k8s-diagram__image";
    img.src = figure.getAttribute("data-fallback");
    img.alt = figure.getAttribute("data-alt") || "";
    figure.appendChild(img);
    figure.setAttribute("data-rendered", "fallback");
  }

  function renderAll(root) {
    var figures = (root || document).querySelectorAll("figure.k8s-diagram");
    var done = Promise.resolve();
    Array.prototype.forEach.call(figures, function (figure, n) {
      var source = figure.querySelector(".k8s-diagram__source").textContent;
      done = done.then(function () {
        return render("k8s-diagram-live-" + n, source).then(function (svg) {
          var holder = document.createElement("div");
          holder.className = "k8s-diagram__live";
          holder.setAttribute("role", "img");
          holder.setAttribute("aria-label", figure.getAttribute("data-alt") || "");
          holder.innerHTML = svg;
          figure.insertBefore(holder, figure.firstChild);
          figure.setAttribute("data-rendered", "live");
        }, function (error) {
          console.error("diagram " + (n + 1) + " could not be rendered:", error);
          showFallback(figure);
        });
      });
    });
    return done;
  }

  window.k8sDiagrams = { config: config, render: render, renderAll: renderAll };
  if (document.querySelector("figure.k8s-diagram")) {
    renderAll(document);
  }
})();
