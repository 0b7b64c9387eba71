// Deep Linking: post the signed response back to the platform at once.
document.getElementById("lti-autosubmit").submit();
