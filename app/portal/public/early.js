// The first question of every page load, who is logged in, asked while the portal's
// libraries are still downloading and parsing (index.html loads this classic script first;
// api.js fetchMe takes the answer). Not hashed: nginx serves it like index.html.
window.ruqimaFirstMe = fetch('/api/v1/auth/me', {
  headers: { Accept: 'application/json, application/problem+json' },
  credentials: 'same-origin',
  cache: 'no-store',
})
