// pylti1p3's cookie check, CSP-friendly: can this frame keep a cookie? If so, continue the
// login (adding lti1p3_new_window=1); if not, offer to open the course in a new tab.
(function () {
  "use strict";
  var root = document.getElementById("lti-cookie-check");
  var params = JSON.parse(root.getAttribute("data-params"));
  var url = new URL(window.location.href);
  Object.keys(params).forEach(function (key) {
    if (!url.searchParams.has(key)) {
      url.searchParams.set(key, params[key]);
    }
  });
  // Cross-site frames keep only SameSite=None; Secure cookies (partitioned where browsers
  // partition third-party cookies); secure contexts include http://localhost.
  var attributes = window.isSecureContext ? "; SameSite=None; Secure; Partitioned" : "";
  document.cookie = "lti1p3_test_cookie=1; path=/" + attributes;
  if (document.cookie.indexOf("lti1p3_test_cookie") !== -1) {
    document.cookie =
      "lti1p3_test_cookie=1; path=/; expires=Thu, 01 Jan 1970 00:00:01 GMT" + attributes;
    document.getElementById("lti1p3-loading-msg").hidden = false;
    window.location.replace(url.toString());
  } else {
    document.getElementById("lti1p3-warning-msg").hidden = false;
    document.getElementById("lti1p3-new-tab-link").href = url.toString();
  }
})();
