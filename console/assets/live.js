// The live panel of an execution's open activity tasks: OpenSWF.ListOpenActivityTasks about once a second,
// with the ages and the time left to each deadline counted on in the browser between answers, from the
// server's currentTimestamp, so that they move smoothly and never depend on the browser's clock being right.

import { openswf } from './api.js';
import { h, fmtDur, fmtTime, errorBox, pretty } from './ui.js';

const POLL_MS = 1000;
const TICK_MS = 100;

// livePanel returns the panel's element and starts polling with scope (the request's scope members:
// {domain, execution} or {executionArn}); polling stops when the page's ctx is cleaned up.
export function livePanel(ctx, scope, { sfn = false } = {}) {
  const tbody = h('tbody');
  const state = h('span', { class: 'live-state' }, 'loading…');
  const err = h('div');
  const empty = h('p', { class: 'muted live-empty', hidden: true }, 'No open activity task.');
  const root = h('section', { class: 'panel live', id: 'live-panel' },
    h('h2', {}, 'Open activity tasks ', h('span', { class: 'live-dot', title: 'updated about once a second' }), ' ', state),
    err,
    h('div', { class: 'scroll' }, h('table', { class: 'grid live-table' },
      h('thead', {}, h('tr', {},
        h('th', {}, sfn ? 'State / activity' : 'Activity'),
        h('th', {}, 'Status'),
        h('th', {}, 'Worker'),
        h('th', {}, 'Last heartbeat'),
        h('th', {}, 'Heartbeat details'),
        h('th', {}, 'Deadlines'))),
      tbody)),
    empty);

  // Each answer's time base: its currentTimestamp, and when (performance.now) it arrived.
  let base = { server: 0, at: 0 };
  let timer = 0;
  let stopped = false;

  const serverNow = () => base.server + (performance.now() - base.at) / 1000;

  function render(tasks) {
    lastTasks = tasks;
    tbody.replaceChildren(...tasks.map((t) => {
      const who = sfn
        ? [h('strong', {}, t.stateName || ''), h('div', { class: 'muted' }, (t.activityArn || '').split(':').pop())]
        : [h('strong', {}, t.activityId || ''), h('div', { class: 'muted' }, t.activityType ? t.activityType.name + ' ' + t.activityType.version : '')];
      const hbDeadline = (t.deadlines || []).find((d) => d.timeoutType === 'HEARTBEAT');
      const row = h('tr', { class: 'task-row', dataset: { scheduled: t.scheduledEventId } },
        h('td', {}, who),
        h('td', {},
          h('span', { class: 'badge ' + (t.state === 'STARTED' ? 'b-run' : 'b-wait') }, t.state),
          t.attempt > 1 ? h('div', { class: 'muted' }, 'attempt ' + t.attempt) : null,
          t.cancelRequested ? h('div', { class: 'badge b-bad' }, 'cancel requested') : null),
        h('td', { class: 'identity' }, t.identity || h('span', { class: 'muted' }, '—'),
          t.startedTimestamp ? h('div', { class: 'muted' }, 'started ' + fmtTime(t.startedTimestamp)) : null),
        h('td', {},
          t.lastHeartbeatTimestamp
            ? h('span', { class: 'age', dataset: { since: t.lastHeartbeatTimestamp } }, '')
            : h('span', { class: 'muted' }, 'none yet'),
          t.heartbeatCount ? h('div', { class: 'muted' }, t.heartbeatCount + ' heartbeat' + (t.heartbeatCount === 1 ? '' : 's')) : null),
        h('td', { class: 'hb-details' }, t.heartbeatDetails !== undefined ? h('code', {}, t.heartbeatDetails) : h('span', { class: 'muted' }, '—')),
        h('td', {}, (t.deadlines || []).map((d) => h('div', {
          class: 'deadline', dataset: { type: d.timeoutType, ms: d.remainingMilliseconds, total: d.timeoutSeconds * 1000 },
        }, h('span', { class: 'dl-type' }, d.timeoutType.toLowerCase().replace(/_/g, '-')), ' ', h('span', { class: 'dl-left' }, '')))));
      if (hbDeadline) row.dataset.heartbeat = '1';
      const key = String(t.scheduledEventId);
      const toggle = h('button', { class: 'link-button input-toggle', title: 'DescribeActivityTask', onclick: () => {
        if (expanded.has(key)) expanded.delete(key);
        else expanded.add(key);
        render(lastTasks);
      } }, expanded.has(key) ? 'hide input' : 'input');
      row.cells[0].append(h('div', {}, toggle));
      if (!expanded.has(key)) return [row];
      const cell = h('td', { colspan: 6, class: 'task-input' }, inputs.has(key) ? inputs.get(key) : h('span', { class: 'muted' }, 'loading…'));
      if (!inputs.has(key)) loadInput(t, key);
      return [row, h('tr', { class: 'task-input-row' }, cell)];
    }).flat());
    empty.hidden = tasks.length > 0;
    tick();
  }

  // The input of an expanded task, read once (DescribeActivityTask) and kept while the panel lives.
  const expanded = new Set();
  const inputs = new Map();
  let lastTasks = [];
  async function loadInput(t, key) {
    const req = sfn
      ? { executionArn: t.executionArn || scope.executionArn, scheduledEventId: t.scheduledEventId }
      : { domain: t.domain, execution: t.execution, scheduledEventId: t.scheduledEventId };
    inputs.set(key, h('span', { class: 'muted' }, 'loading…'));
    try {
      const out = await openswf('DescribeActivityTask', req);
      inputs.set(key, out.input !== undefined && out.input !== '' ? h('pre', { class: 'json' }, pretty(out.input)) : h('span', { class: 'muted' }, 'no input'));
    } catch (e) {
      inputs.set(key, errorBox(e, 'DescribeActivityTask'));
    }
    if (!stopped) render(lastTasks);
  }

  // tick moves the ages and the times left on from the last answer.
  function tick() {
    const elapsedMs = performance.now() - base.at;
    const now = serverNow();
    for (const el of tbody.querySelectorAll('.age')) {
      el.textContent = fmtDur(Math.max(0, now - Number(el.dataset.since))) + ' ago';
    }
    for (const row of tbody.querySelectorAll('tr.task-row')) {
      let urgent = false;
      for (const el of row.querySelectorAll('.deadline')) {
        const left = Number(el.dataset.ms) - elapsedMs;
        el.querySelector('.dl-left').textContent = left > 0 ? fmtDur(left / 1000) + ' left' : 'due';
        if (el.dataset.type === 'HEARTBEAT') {
          const total = Number(el.dataset.total);
          urgent = left < 5000 || (total > 0 && left < total * 0.25);
          el.classList.toggle('urgent', urgent);
        }
      }
      row.classList.toggle('urgent', urgent);
    }
  }

  // finishing is set once the execution has closed: the poll that starts after it shows the tasks' end and is
  // the last one.
  let finishing = false;
  function stop() {
    stopped = true;
    clearTimeout(timer);
    clearInterval(ticker);
  }

  async function poll() {
    if (stopped) return;
    const last = finishing;
    try {
      const tasks = [];
      let token;
      let out;
      do {
        out = await openswf('ListOpenActivityTasks', { ...scope, maximumPageSize: 1000, nextPageToken: token });
        tasks.push(...(out.activityTasks || []));
        token = out.nextPageToken;
      } while (token && tasks.length < 5000 && !stopped);
      if (stopped) return;
      base = { server: out.currentTimestamp, at: performance.now() };
      render(tasks);
      state.textContent = 'as of ' + fmtTime(out.currentTimestamp);
      state.classList.remove('stale');
      err.replaceChildren();
    } catch (e) {
      state.textContent = 'not updating';
      state.classList.add('stale');
      err.replaceChildren(errorBox(e, 'ListOpenActivityTasks'));
    }
    if (last) {
      stop();
      state.textContent += ' (the execution is closed)';
      return;
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  const ticker = setInterval(tick, TICK_MS);
  ctx.onCleanup(stop);
  // finish stops polling after one more answer: the execution has closed, and no task of it opens again.
  root.finish = () => { finishing = true; };
  poll();
  return root;
}
