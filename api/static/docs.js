// Swagger UI (/docs) for keyboards and screen readers: an operation's header is one button, so
// the deep link drawn inside it becomes plain text (a link nested in a button is unreachable and
// confusing); the operation's address stays in the page's URL when it opens.
(function () {
  "use strict";
  const tidy = () => {
    for (const link of document.querySelectorAll(".opblock-summary-control a[href]")) {
      link.removeAttribute("href");
      link.removeAttribute("tabindex");
    }
  };
  new MutationObserver(tidy).observe(document.body, { childList: true, subtree: true });
  tidy();
})();
