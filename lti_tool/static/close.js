// Dynamic Registration 1.0, 3.6: tell the platform the registration is finished.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
