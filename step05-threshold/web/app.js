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
let ended = null; // { sid, at, everywhere }: the session this page logged out of (issue 21)

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
  // A refusal's reason, read before the row is logged: the row is the
  // sign that the answer has been handled.
  const refused = res.status === 401 && path.startsWith('/bbb');
  const body = refused ? await res.clone().json().catch(() => ({})) : {};
  log(path, res.status, kept.token, kept.stored, kept.token ? null : whyNoToken(path, res.status, sent));
  if (refused) {
    sessionOver(sent, typeof body.message === 'string' ? body.message : '');
  }
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

// whyNoToken explains an answer that carried no token header the page
// could read, from the token the request sent and the policy: the server
// renews a token only when at most renewBefore is left, and never past
// auth_time + maxSession. Only a 200 from the guarded route for a token
// that was due should have carried one: then the browser hid it.
function whyNoToken(path, status, sent) {
  const claims = sent && claimsOf(sent);
  if (status === 401 && !sent) {
    return { why: 'no-token', text: 'none: no token was sent (401): log in first' };
  }
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
      text: `not due: it is renewed once at most ${formatSpan(policy.renewBefore)} is left (${formatSpan(left)} left now)`,
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
function sessionOver(sent, message = '') {
  const claims = sent && claimsOf(sent);
  let state = 'refused';
  let text = 'Not logged in: log in first.';
  if (claims && nowSeconds() < claims.exp && message.startsWith('session ended')) {
    state = 'ended';
    const mine = ended && ended.sid === claims.sid;
    text = (mine ? `Session ended: you logged out${ended.everywhere ? ' everywhere' : ''} at ${formatTime(ended.at)}. ` :
      'Session ended by a logout (on another page or device). ') +
      'The token has not expired, but the server refuses every token of this login (its sid), ' +
      'renewed ones too: the server said "' + message + '". Log in again.';
  } else if (claims && nowSeconds() >= claims.exp && claims.exp >= claims.auth_time + policy.maxSession) {
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

// logout ends the stored token's session on the server (POST
// /user/logout), or every session of the user (POST /user/logout-all). The
// page keeps the token on purpose, to show what the server now says of it:
// call /bbb. (A real page would drop it now.)
async function logout(everywhere) {
  const sent = storedToken();
  const res = await api(everywhere ? '/user/logout-all' : '/user/logout', { method: 'POST' });
  const session = document.getElementById('session');
  if (res.status === 204) {
    ended = { sid: (claimsOf(sent) || {}).sid, at: nowSeconds(), everywhere };
    session.dataset.state = 'logged-out';
    session.textContent = `Logged out${everywhere ? ' everywhere: every session of this user that started before now has ended' : ': this session has ended, on every instance'}. ` +
      'The page keeps the token to show the refusal: call /bbb.';
  } else {
    const body = await res.clone().json().catch(() => ({}));
    session.dataset.state = res.status === 503 ? 'unavailable' : 'refused';
    session.textContent = `Not logged out (${res.status}): ${body.message || 'no answer'}.`;
  }
  session.hidden = false;
  showToken();
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
// An expired token is over: it cannot be renewed, so neither its window
// nor the session's remaining time is shown as if it still ran.
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
  const expired = now >= claims.exp;
  out('countdown', expired ? 'expired' : formatDuration(claims.exp - now));
  out('window', expired ? 'closed: the token expired' :
    claims.exp >= cap && opens <= now ? 'closed: at the session cap' :
      opens > now ? `opens in ${formatDuration(opens - now)}` : 'open: the next request renews');
  out('session-left', now >= cap ? 'ended' : expired ? 'ended: the token expired' : formatDuration(cap - now));
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

// The timeline runs from the login (auth_time) to the session cap. It is
// drawn in the SVG's own pixels (its viewBox is its size on the screen),
// so its labels keep their size on a narrow screen.
const SVG = 'http://www.w3.org/2000/svg';
const PAD = 10; // the line's ends, from the SVG's edges
const GAP = 4; // between a tick and its label
const ROW = 18; // the height of a row of labels
const BAR_Y = 3 * ROW + 12; // the token's life, under three rows of labels
const BAR_H = 22;

function svg(name, attrs, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

// drawTimeline draws login, iat, the renewal window, exp, the session cap,
// each renewal and now. Every mark carries data-mark and data-at (unix
// seconds): the browser tests read them. The token's life is the blue
// bar; its renewal window is drawn on the bar's lower half, so the bar
// stays visible; an expired token has no window (it can no longer be
// renewed) and is drawn as expired.
function drawTimeline(claims, now) {
  const timeline = document.getElementById('timeline');
  const width = Math.max(timeline.clientWidth || 0, 200);
  const right = width - PAD;
  if (!claims) {
    timeline.setAttribute('viewBox', `0 0 ${width} 60`);
    timeline.setAttribute('height', 60);
    timeline.replaceChildren(svg('text', { x: width / 2, y: 34, 'text-anchor': 'middle', class: 'empty' }, 'no token: log in'));
    return;
  }
  const start = claims.auth_time;
  const cap = start + policy.maxSession;
  const x = (t) => PAD + (right - PAD) * Math.min(Math.max((t - start) / (cap - start), 0), 1);
  const opens = Math.max(claims.iat, claims.exp - policy.renewBefore);
  const expired = now >= claims.exp;
  const capped = claims.exp >= cap;
  const endedAt = ended && ended.sid === claims.sid ? ended.at : 0; // logged out: the server refuses it
  timeline.replaceChildren(
    svg('line', { x1: PAD, y1: BAR_Y + BAR_H / 2, x2: right, y2: BAR_Y + BAR_H / 2, class: 'axis' }),
    svg('rect', {
      x: x(claims.iat), y: BAR_Y, width: x(claims.exp) - x(claims.iat), height: BAR_H,
      class: expired ? 'life expired' : endedAt ? 'life ended' : 'life', 'data-mark': 'life',
      'data-state': expired ? 'expired' : endedAt ? 'ended' : 'valid',
    }),
  );
  if (endedAt) {
    const mark = tick('logged-out', Math.floor(endedAt), x(endedAt), BAR_Y - 8, BAR_Y + BAR_H + 8);
    mark.classList.add('logged-out');
    mark.append(svg('title', {}, `logged out${ended.everywhere ? ' everywhere' : ''} at ${formatTime(endedAt)}: the server refuses this session from then on`));
    timeline.append(mark);
  }
  if (!expired) {
    timeline.append(svg('rect', {
      x: x(opens), y: BAR_Y + BAR_H / 2, width: x(claims.exp) - x(opens), height: BAR_H / 2,
      class: capped ? 'window capped' : 'window', 'data-mark': 'window', // at the cap it renews nothing
      'data-state': capped ? 'capped' : 'open',
    }));
  }
  // Above the bar, one row each: iat, the window opening, exp.
  // Each label has a long form and a short one, for a narrow screen.
  const windowLabel = capped ? [`at the cap from ${formatTime(opens)}: no more renewals`, `capped from ${formatTime(opens)}`] :
    expired ? [`renewal window opened ${formatTime(opens)}`, `window opened ${formatTime(opens)}`] :
      [`renewal window opens ${formatTime(opens)}`, `window opens ${formatTime(opens)}`];
  const above = [
    ['iat', claims.iat, `iat ${formatTime(claims.iat)}`, ROW],
    ['window-opens', opens, windowLabel, 2 * ROW],
    ['exp', claims.exp, expired ? `expired ${formatTime(claims.exp)}` : `exp ${formatTime(claims.exp)}`, 3 * ROW],
  ];
  for (const [mark, at, text, y] of above) {
    const label = labelAt(timeline, x(at), y, text, width);
    timeline.append(tick(mark, at, x(at), y - 11, BAR_Y));
    label.dataset.for = mark;
  }
  // The renewals since the login (and the stored token's own, after a reload).
  const marks = new Set(renewals.filter((iat) => iat > start));
  if (claims.iat > start) marks.add(claims.iat);
  for (const at of marks) {
    const mark = svg('circle', { cx: x(at), cy: BAR_Y + BAR_H + 8, r: 6, class: 'renewal', 'data-mark': 'renewal', 'data-at': at });
    mark.append(svg('title', {}, `renewed at ${formatTime(at)}`));
    timeline.append(mark);
  }
  // Now, moving along, with its label in its own row.
  const nowX = x(now);
  const nowY = BAR_Y + BAR_H + 2 * ROW;
  timeline.append(svg('line', { x1: nowX, y1: BAR_Y - 8, x2: nowX, y2: nowY, class: 'now', 'data-mark': 'now', 'data-at': Math.floor(now) }));
  labelAt(timeline, nowX, nowY, now > cap ? 'now (past the cap)' : 'now', width, 'now-label').dataset.for = 'now';
  // Below: the login and the cap, at the two ends; the cap's label goes a
  // row lower when the two would touch (a narrow screen).
  let y = nowY + ROW + 4;
  const login = labelAt(timeline, x(start), y, [`login (auth_time) ${formatTime(start)}`, `login ${formatTime(start)}`], width);
  login.dataset.for = 'login';
  timeline.append(tick('login', start, x(start), BAR_Y + BAR_H, y));
  const capLabel = labelAt(timeline, x(cap), y,
    [`session cap ${formatTime(cap)}: auth_time + ${formatSpan(policy.maxSession)}`, `cap ${formatTime(cap)}`], width);
  capLabel.dataset.for = 'cap';
  if (capLabel.getBBox().x < login.getBBox().x + login.getBBox().width + 2 * GAP) {
    y += ROW;
    capLabel.setAttribute('y', y);
  }
  timeline.append(tick('cap', cap, x(cap), BAR_Y + BAR_H, y));
  const height = y + 8;
  timeline.setAttribute('viewBox', `0 0 ${width} ${height}`);
  timeline.setAttribute('height', height);
}

function tick(mark, at, x, y1, y2) {
  return svg('line', { x1: x, y1, x2: x, y2, class: 'tick', 'data-mark': mark, 'data-at': at });
}

// labelAt writes a label beside x (GAP away, so that it never covers its
// own tick), on the side where it fits: in its first form that fits on
// one side (texts is a text, or a list from the longest to the shortest),
// else in its shortest form as close as it can.
function labelAt(timeline, x, y, texts, width, cls = 'label') {
  const label = svg('text', { x: x + GAP, y, 'text-anchor': 'start', class: cls });
  timeline.append(label);
  for (const text of [].concat(texts)) {
    label.textContent = text;
    const w = label.getComputedTextLength();
    if (x + GAP + w <= width - 2) return label; // after the tick
    if (x - GAP - w >= 2) { // before it
      label.setAttribute('x', x - GAP);
      label.setAttribute('text-anchor', 'end');
      return label;
    }
  }
  label.setAttribute('x', Math.max(2, width - 2 - label.getComputedTextLength()));
  return label;
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
  document.getElementById('logout').addEventListener('click', () => logout(false).catch(() => {}));
  document.getElementById('logout-all').addEventListener('click', () => logout(true).catch(() => {}));
  document.getElementById('forget').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    renewals = [];
    document.getElementById('session').hidden = true;
    showToken();
  });
  showToken();
  setInterval(showToken, 1000);
  window.addEventListener('resize', showToken);
  document.body.dataset.ready = 'yes';
}

main();
