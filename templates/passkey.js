// Passkeys (WebAuthn): the "Sign in with a passkey" and "Add a passkey" buttons. Each is a
// form marked data-passkey="get" or "create", hidden until this script finds the browser API.
// On submit: fetch the options (a challenge) from data-options with the form's CSRF token,
// let the authenticator answer, put the answer in the form's `credential` field as JSON and
// submit the form as usual. Binary fields travel as base64url without padding. Messages come
// from the form's data- attributes (data-failed), written by the page in the person's language.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function fromB64url(s) {
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toB64url(buf) {
    if (!buf) {
      return null;
    }
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeOptions(options) {
    var pk = options.publicKey;
    pk.challenge = fromB64url(pk.challenge);
    if (pk.user) {
      pk.user.id = fromB64url(pk.user.id);
    }
    [pk.excludeCredentials, pk.allowCredentials].forEach(function (list) {
      (list || []).forEach(function (c) {
        c.id = fromB64url(c.id);
      });
    });
    return { publicKey: pk };
  }

  function encodeCredential(cred) {
    var r = cred.response;
    var out = {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      extensions: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) {
        out.response.transports = r.getTransports();
      }
    } else {
      out.response.authenticatorData = toB64url(r.authenticatorData);
      out.response.signature = toB64url(r.signature);
      out.response.userHandle = toB64url(r.userHandle);
    }
    return out;
  }

  // The page writes the message in the person's language on the form (data-failed); the
  // English one is for a page that does not.
  function fail(form) {
    var box = form.querySelector(".error");
    if (box) {
      box.textContent =
        form.dataset.failed || "The passkey could not be used. Try again, or sign in another way.";
      box.hidden = false;
    }
  }

  function ceremony(form) {
    var body = new URLSearchParams();
    Array.prototype.forEach.call(form.querySelectorAll("input[type=hidden]"), function (i) {
      if (i.name !== "credential") {
        body.append(i.name, i.value);
      }
    });
    return fetch(form.dataset.options, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (resp) {
        if (!resp.ok) {
          throw new Error("options: " + resp.status);
        }
        return resp.json();
      })
      .then(function (options) {
        var wanted = decodeOptions(options);
        return form.dataset.passkey === "create"
          ? navigator.credentials.create(wanted)
          : navigator.credentials.get(wanted);
      })
      .then(function (cred) {
        form.querySelector("input[name=credential]").value = JSON.stringify(encodeCredential(cred));
        form.submit();
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey]"), function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ceremony(form).catch(function (e) {
        console.warn("passkey: " + e);
        fail(form);
      });
    });
  });
  var note = document.getElementById("passkey-needs-script");
  if (note) {
    note.hidden = true;
  }
})();
