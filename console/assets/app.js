// The console's entry point: configuration, sign-in, navigation and the hash router.

import { loadConfig, getConfig, credentials, signIn, signOut } from './api.js';
import { h, errorBox } from './ui.js';
import { overviewPage } from './overview.js';
import { domainsPage, executionsPage, executionPage } from './swf.js';
import { sfnHome, stateMachinePage, sfnExecutionPage } from './sfn.js';

const main = document.getElementById('main');
const userBox = document.getElementById('user');
let current = null; // the page's context: {alive, onCleanup}

function newContext() {
  const cleanups = [];
  return {
    alive: true,
    onCleanup: (fn) => cleanups.push(fn),
    close() {
      this.alive = false;
      for (const fn of cleanups) fn();
    },
  };
}

function signInPage() {
  // No name attributes: should the form ever be submitted natively (the script failing before
  // preventDefault), it sends nothing, rather than the secret in the URL of a GET.
  const id = h('input', { id: 'signin-id', required: true, autocomplete: 'username', spellcheck: 'false' });
  const secret = h('input', { id: 'signin-secret', type: 'password', required: true, autocomplete: 'current-password' });
  const form = h('form', { class: 'signin panel', id: 'signin' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'This server has access control on. The console signs every request with your access key, and can do only what your policies allow. The key is kept in this tab only (sessionStorage) until you sign out.'),
    h('label', { class: 'field' }, h('span', {}, 'Access key id'), id),
    h('label', { class: 'field' }, h('span', {}, 'Secret access key'), secret),
    h('button', { type: 'submit', class: 'primary', id: 'signin-submit' }, 'Sign in'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    signIn(id.value.trim(), secret.value);
    showUser();
    render();
  });
  main.replaceChildren(form);
  id.focus();
}

function showUser() {
  const cfg = getConfig();
  if (!cfg.auth) {
    userBox.replaceChildren(h('span', { class: 'muted', title: 'the server runs without --auth: any caller may do everything' }, 'access control off'));
    return;
  }
  const c = credentials();
  userBox.replaceChildren(c
    ? h('span', {}, h('span', { class: 'mono', id: 'user-key' }, c.id), ' ',
      h('button', { id: 'signout', class: 'link', onclick: () => { signOut(); showUser(); render(); } }, 'Sign out'))
    : h('span', { class: 'muted' }, 'not signed in'));
}

const routes = [
  [/^$|^overview$/, (ctx) => overviewPage(ctx, main), 'overview'],
  [/^swf$/, (ctx) => domainsPage(ctx, main), 'swf'],
  [/^swf\/([^/]+)$/, (ctx, m) => executionsPage(ctx, main, m[1]), 'swf'],
  [/^swf\/([^/]+)\/([^/]+)\/([^/]+)$/, (ctx, m) => executionPage(ctx, main, m[1], m[2], m[3]), 'swf'],
  [/^sfn$/, (ctx) => sfnHome(ctx, main), 'sfn'],
  [/^sfn\/sm\/([^/]+)$/, (ctx, m) => stateMachinePage(ctx, main, m[1]), 'sfn'],
  [/^sfn\/x\/([^/]+)$/, (ctx, m) => sfnExecutionPage(ctx, main, m[1]), 'sfn'],
];

function render() {
  if (current) current.close();
  current = newContext();
  const path = location.hash.replace(/^#\/?/, '');
  for (const [re, page, section] of routes) {
    const m = path.match(re);
    if (!m) continue;
    for (const a of document.querySelectorAll('nav.top a')) a.classList.toggle('active', a.dataset.section === section);
    const overview = section === 'overview';
    if (!overview && !credentials()) {
      signInPage();
      return;
    }
    let args;
    try {
      args = m.map((x, i) => (i === 0 ? x : decodeURIComponent(x)));
    } catch {
      break; // a malformed escape (%E0%A4%A): no such page
    }
    main.replaceChildren(h('p', { class: 'muted' }, 'loading…'));
    Promise.resolve(page(current, args)).catch((e) => main.append(errorBox(e)));
    return;
  }
  main.replaceChildren(h('p', {}, 'No such page. ', h('a', { href: '#/overview' }, 'Overview')));
}

async function start() {
  try {
    const cfg = await loadConfig();
    document.getElementById('footer').textContent =
      `openswf ${cfg.version || ''} · region ${cfg.region} · access control ${cfg.auth ? 'on' : 'off'}`;
  } catch (e) {
    main.replaceChildren(errorBox(e, 'Loading the configuration'));
    return;
  }
  showUser();
  window.addEventListener('hashchange', render);
  render();
}

start();
