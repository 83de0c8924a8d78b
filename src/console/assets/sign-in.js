// Dev-mode sign-in: `clientele serve` prints /console/#token=... on loopback. The token in the
// fragment (never sent to the server in a URL) is posted as JSON, the fragment is dropped from
// the address and history, and the console loads with its session cookie.
(function () {
  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash)
  if (!match) return
  var token = decodeURIComponent(match[1])
  history.replaceState(null, '', location.pathname + location.search)
  var error = document.getElementById('error')
  fetch('/console/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ token: token }),
  }).then(function (res) {
    if (res.ok) {
      location.replace('/console/')
      return
    }
    return res.json().catch(function () { return {} }).then(function (body) {
      if (error) error.textContent = 'Signing in with the link failed: ' + (body.title || 'HTTP ' + res.status)
    })
  }, function () {
    if (error) error.textContent = 'Signing in with the link failed: the server did not answer.'
  })
})()
