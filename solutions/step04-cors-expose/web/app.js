'use strict';

// The course page: log in, call the API, and watch the renewed token.
// No framework, no build step. It plays the chapter's axios interceptors
// with a small wrapper around fetch.

// One localStorage key, used everywhere. (The chapter's client writes the
// key 'token ' with a trailing space and reads another one: its renewed
// token was never sent back.)
const TOKEN_KEY = 'token';

let apiBase = ''; // from /config.json: the page never hard-codes a port

// claimsOf decodes a token's payload (not verified: the server does that).
function claimsOf(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch {
    return null;
  }
}

function expOf(token) {
  const claims = token && claimsOf(token);
  return claims && typeof claims.exp === 'number' ? claims.exp : 0;
}

function storedToken() {
  return localStorage.getItem(TOKEN_KEY);
}

// api is fetch with the two interceptors.
async function api(path, init = {}) {
  // Request side: send the stored token.
  const headers = new Headers(init.headers);
  const token = storedToken();
  if (token) {
    headers.set('Authorization', 'Bearer ' + token);
  }
  let res;
  try {
    res = await fetch(apiBase + path, { ...init, headers });
  } catch (err) {
    // A CORS refusal looks like a network error: the page gets no details.
    log(path, 'error', null, false, String(err));
    throw err;
  }
  // Response side: keep a renewed token.
  const kept = keepRenewedToken(res);
  log(path, res.status, kept.token, kept.stored);
  return res;
}

// keepRenewedToken is the response interceptor: it reads the "token"
// header and stores it unless the stored one expires later (answers to
// parallel requests arrive in any order: an older token must not win). It
// returns what it saw.
function keepRenewedToken(res) {
  const token = res.headers.get('token'); // null unless the API exposes the header
  if (!token || !expOf(token) || expOf(token) < expOf(storedToken())) { // no exp: not a token
    return { token, stored: false };
  }
  localStorage.setItem(TOKEN_KEY, token);
  return { token, stored: true };
}

async function login(username, password) {
  const res = await fetch(apiBase + '/user/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  }).catch((err) => {
    log('/user/login', 'error', null, false, String(err));
    throw err;
  });
  const body = await res.text();
  if (res.status === 201) {
    localStorage.setItem(TOKEN_KEY, body); // the body is the bare token
  }
  log('/user/login', res.status, res.status === 201 ? body : null, res.status === 201, res.status === 201 ? '' : body, 'from login');
}

// log adds a row to the table; its data-* attributes are what the
// real-browser test reads.
function log(path, status, token, stored, detail = '', source = 'renewed') {
  const row = document.createElement('tr');
  row.dataset.path = path;
  row.dataset.status = String(status);
  row.dataset.tokenRead = token ? 'yes' : 'no';
  row.dataset.stored = stored ? 'yes' : 'no';
  const exp = expOf(token);
  const cells = [
    new Date().toLocaleTimeString(),
    path,
    String(status),
    token ? `${source}, expires ${new Date(exp * 1000).toLocaleString()}` : 'null' + (detail ? ` (${detail})` : ''),
    stored ? 'yes' : 'no',
  ];
  for (const [i, text] of cells.entries()) {
    const cell = document.createElement('td');
    cell.textContent = text; // textContent, never innerHTML: no injected markup
    if (i === 3) cell.className = 'token';
    row.append(cell);
  }
  document.querySelector('#log tbody').prepend(row);
  showToken();
}

// showToken updates the countdown to the stored token's exp.
function showToken() {
  const token = storedToken();
  const claims = token && claimsOf(token);
  const countdown = document.getElementById('countdown');
  if (!claims || typeof claims.exp !== 'number') {
    countdown.value = 'no token';
    return;
  }
  const left = Math.round(claims.exp - Date.now() / 1000);
  countdown.value = left > 0 ? formatDuration(left) : 'expired';
}

function formatDuration(seconds) {
  const d = Math.floor(seconds / 86400);
  const h = String(Math.floor((seconds % 86400) / 3600)).padStart(2, '0');
  const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const s = String(seconds % 60).padStart(2, '0');
  return (d > 0 ? `${d}d ` : '') + `${h}:${m}:${s}`;
}

async function main() {
  document.getElementById('origin').textContent = location.origin;
  const config = await (await fetch('/config.json')).json();
  apiBase = config.apiBase;
  document.getElementById('api').textContent = apiBase;

  document.getElementById('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    login(form.get('username'), form.get('password')).catch(() => {});
  });
  document.getElementById('call-bbb').addEventListener('click', () => api('/bbb').catch(() => {}));
  document.getElementById('call-aaa').addEventListener('click', () => api('/aaa').catch(() => {}));
  document.getElementById('forget').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    showToken();
  });
  showToken();
  setInterval(showToken, 1000);
  document.body.dataset.ready = 'yes';
}

main();
