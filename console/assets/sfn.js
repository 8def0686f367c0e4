// The Step Functions pages: state machines and activities, a state machine's executions, and one execution
// with its graph, history and open activity tasks.

import { states } from './api.js';
import { h, route, fmtTime, fmtDur, errorBox, confirmDialog, kv, pretty } from './ui.js';
import { historyView, newEvents } from './history.js';
import { livePanel } from './live.js';
import { drawGraph, statusesFrom } from './graph.js';
import { statusBadge } from './swf.js';

const EXEC_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

function pagedTable(id, headers, fetchPage, row) {
  const tbody = h('tbody');
  const footer = h('div', { class: 'footer-row' });
  let token;
  const more = h('button', { class: 'more' }, 'More');
  const load = async () => {
    more.disabled = true;
    try {
      const { items, next } = await fetchPage(token);
      tbody.append(...items.map(row));
      if (!tbody.rows.length) tbody.append(h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'None.')));
      token = next;
      footer.replaceChildren(token ? more : '');
    } catch (e) {
      footer.replaceChildren(errorBox(e));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', load);
  const el = [h('table', { class: 'grid', id }, h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))), tbody), footer];
  return { el, load, reset: () => { token = undefined; tbody.replaceChildren(); return load(); } };
}

export async function sfnHome(ctx, main) {
  const machines = pagedTable('state-machines', ['State machine', 'Type', 'Created'], async (token) => {
    const out = await states('ListStateMachines', { maxResults: 100, nextToken: token });
    return { items: out.stateMachines || [], next: out.nextToken };
  }, (m) => h('tr', {}, h('td', {}, h('a', { href: route('sfn', 'sm', m.stateMachineArn) }, m.name)), h('td', {}, m.type), h('td', {}, fmtTime(m.creationDate))));
  const activities = pagedTable('activities', ['Activity', 'ARN', 'Created'], async (token) => {
    const out = await states('ListActivities', { maxResults: 100, nextToken: token });
    return { items: out.activities || [], next: out.nextToken };
  }, (a) => h('tr', {}, h('td', {}, a.name), h('td', { class: 'mono' }, a.activityArn), h('td', {}, fmtTime(a.creationDate))));
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'Step Functions')),
    h('section', { class: 'panel' }, h('h2', {}, 'State machines'), machines.el),
    h('section', { class: 'panel' }, h('h2', {}, 'Activities'), activities.el));
  await Promise.all([machines.load(), activities.load()]);
}

export async function stateMachinePage(ctx, main, arn) {
  const head = h('div', { class: 'page-head' }, h('h1', {}, arn.split(':').pop()));
  const info = h('section', { class: 'panel' });
  const statusSel = h('select', { id: 'x-status' }, h('option', { value: '' }, 'any status'), EXEC_STATUSES.map((s) => h('option', { value: s }, s)));
  const list = pagedTable('sfn-executions', ['Execution', 'Status', 'Started', 'Stopped'], async (token) => {
    const out = await states('ListExecutions', { stateMachineArn: arn, statusFilter: statusSel.value || undefined, maxResults: 50, nextToken: token });
    return { items: out.executions || [], next: out.nextToken };
  }, (x) => h('tr', { class: 'execution-row' },
    h('td', {}, h('a', { href: route('sfn', 'x', x.executionArn) }, x.name)),
    h('td', {}, statusBadge(x.status)), h('td', {}, fmtTime(x.startDate)), h('td', {}, fmtTime(x.stopDate))));
  statusSel.addEventListener('change', () => list.reset());
  main.replaceChildren(
    h('nav', { class: 'crumbs' }, h('a', { href: route('sfn') }, 'Step Functions'), ' / ', arn.split(':').pop()),
    head, info,
    h('section', { class: 'panel' }, h('div', { class: 'page-head' }, h('h2', {}, 'Executions'), h('label', { class: 'inline' }, 'Status ', statusSel)), list.el));
  list.load();
  try {
    const sm = await states('DescribeStateMachine', { stateMachineArn: arn });
    const def = JSON.parse(sm.definition);
    info.replaceChildren(kv([['ARN', h('span', { class: 'mono' }, arn)], ['Type', sm.type], ['Status', sm.status], ['Created', fmtTime(sm.creationDate)], ['Role', sm.roleArn]]),
      h('div', { class: 'graph-box' }, drawGraph(def)),
      h('details', {}, h('summary', {}, 'Definition'), h('pre', { class: 'json' }, pretty(sm.definition))));
  } catch (e) {
    info.replaceChildren(errorBox(e, 'DescribeStateMachine'));
  }
}

// historyAfter reads the execution's events after the event id known.
function historyAfter(executionArn, known) {
  return newEvents(async (token, size) => {
    const out = await states('GetExecutionHistory', { executionArn, reverseOrder: true, maxResults: size, nextToken: token });
    return { events: out.events || [], next: out.nextToken };
  }, known);
}

export async function sfnExecutionPage(ctx, main, arn) {
  const head = h('div', { class: 'page-head' });
  const actionErr = h('div', { id: 'action-error' });
  const summaryBox = h('section', { class: 'panel' });
  const graphBox = h('section', { class: 'panel' }, h('h2', {}, 'Graph'), h('p', { class: 'muted' }, 'loading…'));
  const histBox = h('section', { class: 'panel' });
  const liveBox = livePanel(ctx, { executionArn: arn }, { sfn: true });
  const crumbs = h('nav', { class: 'crumbs' }, h('a', { href: route('sfn') }, 'Step Functions'), ' / ');
  main.replaceChildren(crumbs, head, actionErr, summaryBox, liveBox, h('div', { class: 'cols cols-2' }, graphBox, histBox));
  const open = new Set();
  let def = null;
  let timer = 0;
  let crumbed = false;
  let lastStamp = '';
  let events = []; // the history read so far; each refresh reads what came after
  const refresh = async () => {
    clearTimeout(timer);
    let x;
    try {
      let fresh;
      [x, fresh] = await Promise.all([states('DescribeExecution', { executionArn: arn }),
        historyAfter(arn, events.length ? events[events.length - 1].id : 0)]);
      // Refreshes overlap (the Refresh button, an action's, the periodic one) and may read the same new
      // events: keep only those past what another refresh added meanwhile.
      const last = events.length ? events[events.length - 1].id : 0;
      events = events.concat(fresh.filter((ev) => ev.id > last));
      if (!def) {
        // The definition the execution runs, even if the state machine was updated since it started.
        let sm;
        try {
          sm = await states('DescribeStateMachineForExecution', { executionArn: arn });
        } catch {
          sm = await states('DescribeStateMachine', { stateMachineArn: x.stateMachineArn });
        }
        def = JSON.parse(sm.definition);
      }
    } catch (e) {
      if (!ctx.alive) return;
      summaryBox.replaceChildren(errorBox(e, 'DescribeExecution'));
      lastStamp = '';
      if (!e.status || e.status >= 500) timer = setTimeout(refresh, 5000); // a restarting server, a network hiccup: try again
      return;
    }
    if (!ctx.alive) return;
    const stamp = events.length + ' ' + x.status;
    if (stamp === lastStamp) {
      if (x.status === 'RUNNING' && ctx.alive) timer = setTimeout(refresh, 2000);
      return;
    }
    lastStamp = stamp;
    if (!crumbed) {
      crumbed = true;
      crumbs.append(h('a', { href: route('sfn', 'sm', x.stateMachineArn) }, x.stateMachineArn.split(':').pop()), ' / ', x.name);
    }
    const running = x.status === 'RUNNING';
    if (!running) liveBox.finish();
    head.replaceChildren(h('h1', {}, x.name, ' ', statusBadge(x.status)),
      h('div', { class: 'actions' },
        running ? h('button', { id: 'act-stop', class: 'danger', onclick: stop }, 'Stop…') : null,
        h('button', { id: 'act-refresh', onclick: refresh, title: 'read again' }, 'Refresh')));
    summaryBox.replaceChildren(h('h2', {}, 'Summary'), kv([
      ['ARN', h('span', { class: 'mono' }, arn)],
      ['Status', x.status],
      ['Started', fmtTime(x.startDate)],
      ['Stopped', x.stopDate ? fmtTime(x.stopDate) + ' (after ' + fmtDur(x.stopDate - x.startDate) + ')' : ''],
      ['Error', x.error], ['Cause', x.cause],
      ['Input', x.input ? h('code', {}, x.input) : ''],
      ['Output', x.output ? h('code', {}, x.output) : ''],
    ], true));
    const statuses = statusesFrom(events);
    graphBox.replaceChildren(h('h2', {}, 'Graph'),
      h('div', { class: 'legend' }, ['notrun', 'running', 'succeeded', 'failed'].map((st) => h('span', { class: 'key status-' + st }, st === 'notrun' ? 'not entered' : st))),
      h('div', { class: 'graph-box' }, drawGraph(def, statuses)));
    histBox.replaceChildren(h('h2', {}, 'History ', h('span', { class: 'muted' }, events.length + ' events')), historyView(events, open));
    if (running && ctx.alive) timer = setTimeout(refresh, 2000);
  };
  ctx.onCleanup(() => clearTimeout(timer));

  async function stop() {
    actionErr.replaceChildren();
    const v = await confirmDialog({ title: 'Stop execution', confirmLabel: 'Stop', danger: true,
      message: 'The execution ends at once as ABORTED.',
      fields: [{ name: 'error', label: 'Error' }, { name: 'cause', label: 'Cause', type: 'textarea' }] });
    if (!v) return;
    try {
      await states('StopExecution', { executionArn: arn, error: v.error || undefined, cause: v.cause || undefined });
      actionErr.replaceChildren(h('div', { class: 'notice' }, 'StopExecution: done.'));
    } catch (e) {
      actionErr.replaceChildren(errorBox(e, 'StopExecution'));
    }
    refresh();
  }
  await refresh();
}

