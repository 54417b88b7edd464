'use strict';

// The course page: log in, call the API, and watch the renewed token.
// No framework, no build step. It plays the chapter's axios interceptors
// with a small wrapper around fetch, and draws the stored token's life.

// One localStorage key, used everywhere. (The chapter's client writes the
// key 'token ' with a trailing space and reads another one: its renewed
// token was never sent back.)
const TOKEN_KEY = 'token';

let apiBase = ''; // from /config.json: the page never hard-codes a port
let policy = { ttl: 0, renewBefore: 0, maxSession: 0 }; // from /config.json, in seconds
let renewals = []; // the iat of every renewed token stored since the login

// nowSeconds is the page's clock. Every "now" of the page comes from
// Date.now, so that the browser tests can move it with the server's
// fake clock.
function nowSeconds() {
  return Date.now() / 1000;
}

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
  const sent = storedToken();
  if (sent) {
    headers.set('Authorization', 'Bearer ' + sent);
  }
  let res;
  try {
    res = await fetch(apiBase + path, { ...init, headers });
  } catch (err) {
    // A CORS refusal looks like a network error: the page gets no details.
    log(path, 'error', null, false, { text: `null (${err})`, problem: true });
    throw err;
  }
  // Response side: keep a renewed token.
  const kept = keepRenewedToken(res);
  if (kept.stored) {
    renewals.push(claimsOf(kept.token).iat);
  }
  log(path, res.status, kept.token, kept.stored, kept.token ? null : whyNoToken(path, res.status, sent));
  if (res.status === 401 && path.startsWith('/bbb')) {
    sessionOver(sent);
  }
  return res;
}

// keepRenewedToken is the response interceptor: it reads the "token"
// header and stores it unless the stored one expires later (answers to
// parallel requests arrive in any order: an older token must not win). It
// returns what it saw.
function keepRenewedToken(res) {
  const token = res.headers.get('token'); // null unless the API exposes the header
  if (!token || expOf(token) < expOf(storedToken())) {
    return { token, stored: false };
  }
  localStorage.setItem(TOKEN_KEY, token);
  return { token, stored: true };
}

// whyNoToken explains an answer that carried no token header the page
// could read, from the token the request sent and the policy: the server
// renews a token only when at most renewBefore is left, and never past
// auth_time + maxSession. Only a 200 from the guarded route for a token
// that was due should have carried one: then the browser hid it.
function whyNoToken(path, status, sent) {
  const claims = sent && claimsOf(sent);
  if (status === 401) {
    return { why: 'refused', text: 'none: the token was refused (401)' };
  }
  if (status === 200 && path.startsWith('/aaa')) {
    return { why: 'public', text: 'none: a public route renews nothing' };
  }
  if (status !== 200 || !path.startsWith('/bbb') || !claims) {
    return { why: 'none', text: 'null' };
  }
  const left = claims.exp - nowSeconds();
  if (left > policy.renewBefore) {
    return {
      why: 'not-due',
      text: `not due: renewed once ${formatSpan(policy.renewBefore)} left (${formatSpan(left)} left now)`,
    };
  }
  if (claims.exp >= claims.auth_time + policy.maxSession) {
    return { why: 'cap', text: `at the session cap: no renewal past ${formatTime(claims.exp)}` };
  }
  return {
    why: 'hidden',
    text: 'null: the token was due, so the server renewed it, but the browser hid the header ' +
      '(the API must list it in Access-Control-Expose-Headers)',
    problem: true,
  };
}

// sessionOver says why the guarded route answered 401: the token sent had
// expired (no request came while it was in its renewal window), or it
// reached the session cap, or the server refused it for another reason.
function sessionOver(sent) {
  const claims = sent && claimsOf(sent);
  let state = 'refused';
  let text = 'Not logged in: log in first.';
  if (claims && nowSeconds() >= claims.exp && claims.exp >= claims.auth_time + policy.maxSession) {
    state = 'cap';
    text = `Session over: it reached its cap, ${formatSpan(policy.maxSession)} after the login at ` +
      `${formatTime(claims.auth_time)}. No renewal goes past it: log in again.`;
  } else if (claims && nowSeconds() >= claims.exp) {
    state = 'expired';
    text = `Session over: the token expired at ${formatTime(claims.exp)}; no request came in its ` +
      `last ${formatSpan(policy.renewBefore)}, when it would have been renewed. Log in again.`;
  } else if (claims) {
    text = 'Refused although the token has not expired: was the API restarted with another ' +
      'secret or a shorter policy? Log in again.';
  }
  const session = document.getElementById('session');
  session.dataset.state = state;
  session.textContent = text;
  session.hidden = false;
}

async function login(username, password) {
  const res = await fetch(apiBase + '/user/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  }).catch((err) => {
    log('/user/login', 'error', null, false, { text: `null (${err})`, problem: true });
    throw err;
  });
  const body = await res.text();
  if (res.status === 201) {
    localStorage.setItem(TOKEN_KEY, body); // the body is the bare token
    renewals = [];
    document.getElementById('session').hidden = true;
  }
  log('/user/login', res.status, res.status === 201 ? body : null, res.status === 201,
    res.status === 201 ? null : { text: `null (${body})` }, 'from login');
}

// log adds a row to the table; its data-* attributes are what the
// real-browser tests read. none says why no token came: { why, text,
// problem }.
function log(path, status, token, stored, none, source = 'renewed') {
  const row = document.createElement('tr');
  row.dataset.path = path;
  row.dataset.status = String(status);
  row.dataset.tokenRead = token ? 'yes' : 'no';
  row.dataset.stored = stored ? 'yes' : 'no';
  row.dataset.why = token ? 'renewed' : none.why || 'none';
  if (!token && none.problem) row.className = 'problem';
  const cells = [
    formatTime(nowSeconds()),
    path,
    String(status),
    token ? `${source}, expires ${formatTime(expOf(token))}` : none.text,
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

// showToken shows the stored token: countdowns, claims, and the timeline.
function showToken() {
  const token = storedToken();
  const claims = token && claimsOf(token);
  const valid = claims && ['exp', 'iat', 'auth_time'].every((c) => typeof claims[c] === 'number');
  const now = nowSeconds();
  const out = (id, text) => { document.getElementById(id).value = text; };
  showClaims(claims);
  if (!valid) {
    out('countdown', 'no token');
    for (const id of ['window', 'session-left', 'auth-time']) out(id, '–');
    drawTimeline(null, now);
    return;
  }
  const cap = claims.auth_time + policy.maxSession;
  const opens = claims.exp - policy.renewBefore;
  out('countdown', claims.exp > now ? formatDuration(claims.exp - now) : 'expired');
  out('window', claims.exp >= cap && opens <= now ? 'closed: at the session cap' :
    opens > now ? `opens in ${formatDuration(opens - now)}` : claims.exp > now ? 'open: the next request renews' : '–');
  out('session-left', cap > now ? formatDuration(cap - now) : 'ended');
  out('auth-time', formatTime(claims.auth_time));
  drawTimeline(claims, now);
}

// showClaims lists the token's claims as text: a token is data, never markup.
function showClaims(claims) {
  const list = document.getElementById('claims');
  const items = [];
  for (const [name, value] of Object.entries(claims || {})) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = JSON.stringify(value) +
      (['iat', 'exp', 'auth_time', 'nbf'].includes(name) && typeof value === 'number' ? ` (${formatTime(value)})` : '');
    items.push(dt, dd);
  }
  list.replaceChildren(...items);
}

// The timeline runs from the login (auth_time) to the session cap.
const SVG = 'http://www.w3.org/2000/svg';
const LEFT = 20;
const RIGHT = 980;
const BAR_Y = 70; // the token's life
const BAR_H = 22;

function svg(name, attrs, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// drawTimeline draws login, iat, the renewal window, exp, the session cap,
// each renewal and now. Every mark carries data-mark and data-at (unix
// seconds): the browser tests read them.
function drawTimeline(claims, now) {
  const timeline = document.getElementById('timeline');
  if (!claims) {
    timeline.replaceChildren(svg('text', { x: 500, y: 85, 'text-anchor': 'middle', class: 'empty' }, 'no token: log in'));
    return;
  }
  const start = claims.auth_time;
  const cap = start + policy.maxSession;
  const x = (t) => LEFT + (RIGHT - LEFT) * Math.min(Math.max((t - start) / (cap - start), 0), 1);
  const opens = Math.max(claims.iat, claims.exp - policy.renewBefore);
  const parts = [
    svg('line', { x1: LEFT, y1: BAR_Y + BAR_H / 2, x2: RIGHT, y2: BAR_Y + BAR_H / 2, class: 'axis' }),
    svg('rect', { x: x(claims.iat), y: BAR_Y, width: x(claims.exp) - x(claims.iat), height: BAR_H, class: 'life', 'data-mark': 'life' }),
    svg('rect', {
      x: x(opens), y: BAR_Y, width: x(claims.exp) - x(opens), height: BAR_H,
      class: claims.exp >= cap ? 'window capped' : 'window', 'data-mark': 'window', // at the cap it renews nothing
    }),
  ];
  // Above the bar, one row each: iat, the window opening, exp.
  const above = [
    ['iat', claims.iat, `iat ${formatTime(claims.iat)}`, 16],
    ['window-opens', opens, claims.exp >= cap ? `at the cap from ${formatTime(opens)}: no more renewals` :
      `renewal window opens ${formatTime(opens)}`, 36],
    ['exp', claims.exp, `exp ${formatTime(claims.exp)}`, 56],
  ];
  for (const [mark, at, label, y] of above) {
    parts.push(tick(mark, at, x(at), y + 4, BAR_Y), labelAt(x(at), y, label));
  }
  // Below: the login and the cap, at the two ends.
  const below = [
    ['login', start, `login (auth_time) ${formatTime(start)}`, 160],
    ['cap', cap, `session cap ${formatTime(cap)}: auth_time + ${formatSpan(policy.maxSession)}`, 160],
  ];
  for (const [mark, at, label, y] of below) {
    parts.push(tick(mark, at, x(at), BAR_Y + BAR_H, y - 14), labelAt(x(at), y, label));
  }
  // The renewals since the login (and the stored token's own, after a reload).
  const marks = new Set(renewals.filter((iat) => iat > start));
  if (claims.iat > start) marks.add(claims.iat);
  for (const at of marks) {
    const mark = svg('circle', { cx: x(at), cy: BAR_Y + BAR_H + 8, r: 6, class: 'renewal', 'data-mark': 'renewal', 'data-at': at });
    mark.append(svg('title', {}, `renewed at ${formatTime(at)}`));
    parts.push(mark);
  }
  // Now, moving along.
  const nowX = x(now);
  parts.push(
    svg('line', { x1: nowX, y1: BAR_Y - 8, x2: nowX, y2: 122, class: 'now', 'data-mark': 'now', 'data-at': Math.floor(now) }),
    labelAt(nowX, 136, now > cap ? 'now (past the cap)' : 'now', 'now-label'),
  );
  timeline.replaceChildren(...parts);
}

function tick(mark, at, x, y1, y2) {
  return svg('line', { x1: x, y1, x2: x, y2, class: 'tick', 'data-mark': mark, 'data-at': at });
}

// labelAt writes a label next to x, towards the middle, so it stays inside.
function labelAt(x, y, text, cls = 'label') {
  const anchor = x < 500 ? 'start' : 'end';
  return svg('text', { x: x + (anchor === 'start' ? -2 : 2), y, 'text-anchor': anchor, class: cls }, text);
}

// formatTime is a unix time as local time; with the date when sessions
// last longer than a day.
function formatTime(unix) {
  const date = new Date(unix * 1000);
  return policy.maxSession > 86400
    ? date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleTimeString();
}

// formatSpan is a span in seconds as 3d 12h, 10m or 4s.
function formatSpan(seconds) {
  seconds = Math.max(0, Math.round(seconds));
  const parts = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']]
    .map(([unit, name]) => {
      const n = Math.floor(seconds / unit);
      seconds %= unit;
      return n > 0 ? `${n}${name}` : '';
    })
    .filter(Boolean);
  return parts.length ? parts.slice(0, 2).join(' ') : '0s';
}

function formatDuration(seconds) {
  seconds = Math.round(seconds);
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
  policy = { ttl: config.ttl, renewBefore: config.renewBefore, maxSession: config.maxSession };
  document.getElementById('api').textContent = apiBase;
  document.getElementById('policy').textContent =
    `tokens live ${formatSpan(policy.ttl)}; a request renews one once at most ${formatSpan(policy.renewBefore)} ` +
    `is left; no token outlives its login by more than ${formatSpan(policy.maxSession)}.`;

  document.getElementById('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    login(form.get('username'), form.get('password')).catch(() => {});
  });
  document.getElementById('call-bbb').addEventListener('click', () => api('/bbb').catch(() => {}));
  document.getElementById('call-aaa').addEventListener('click', () => api('/aaa').catch(() => {}));
  document.getElementById('forget').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    renewals = [];
    document.getElementById('session').hidden = true;
    showToken();
  });
  showToken();
  setInterval(showToken, 1000);
  document.body.dataset.ready = 'yes';
}

main();
