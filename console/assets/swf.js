// The SWF pages: domains, a domain's executions with SWF's visibility filters, and one execution.

import { swf } from './api.js';
import { h, route, fmtTime, fmtDur, errorBox, confirmDialog, kv, table, toEpoch } from './ui.js';
import { historyView, newEvents } from './history.js';
import { livePanel } from './live.js';

const CLOSE_STATUSES = ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'];

// moreButton calls load and appends what it returns, while there is a next page.
function pager(load, append, footer) {
  let token;
  const btn = h('button', { class: 'more', id: 'more' }, 'More');
  const run = async () => {
    btn.disabled = true;
    try {
      const page = await load(token);
      append(page.items);
      token = page.next;
      footer.replaceChildren(token ? btn : h('span', { class: 'muted' }, page.count === 0 ? '' : 'end of list'));
    } catch (e) {
      footer.replaceChildren(errorBox(e));
    } finally {
      btn.disabled = false;
    }
  };
  btn.addEventListener('click', run);
  return run;
}

export async function domainsPage(ctx, main) {
  let status = 'REGISTERED';
  const tbody = h('tbody');
  const footer = h('div', { class: 'footer-row' });
  const sel = h('select', { id: 'domain-status' }, h('option', { value: 'REGISTERED' }, 'Registered'), h('option', { value: 'DEPRECATED' }, 'Deprecated'));
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'SWF domains'), h('label', { class: 'inline' }, 'Status ', sel)),
    h('table', { class: 'grid', id: 'domains' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Domain'), h('th', {}, 'Status'), h('th', {}, 'Description'))), tbody),
    footer);
  const start = () => {
    tbody.replaceChildren();
    pager(async (token) => {
      const out = await swf('ListDomains', { registrationStatus: status, maximumPageSize: 100, nextPageToken: token });
      const items = out.domainInfos || [];
      return { items, next: out.nextPageToken, count: items.length };
    }, (items) => {
      tbody.append(...items.map((d) => h('tr', {},
        h('td', {}, h('a', { href: route('swf', d.name) }, d.name)),
        h('td', {}, d.status),
        h('td', {}, d.description || ''))));
      if (!tbody.rows.length) tbody.append(h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No domain.')));
    }, footer)();
  };
  sel.addEventListener('change', () => { status = sel.value; start(); });
  start();
}

// The executions page. SWF takes at most one of executionFilter, typeFilter, tagFilter and
// closeStatusFilter per query, so the form offers one "filter by" choice and one input at a time.
export async function executionsPage(ctx, main, domain) {
  const f = {
    status: h('select', { id: 'f-status' }, h('option', { value: 'open' }, 'Open'), h('option', { value: 'closed' }, 'Closed')),
    kind: h('select', { id: 'f-kind' },
      h('option', { value: '' }, 'nothing else'),
      h('option', { value: 'workflowId' }, 'workflow id'),
      h('option', { value: 'type' }, 'workflow type'),
      h('option', { value: 'tag' }, 'tag'),
      h('option', { value: 'closeStatus' }, 'close status')),
    workflowId: h('input', { id: 'f-workflow-id', type: 'text', placeholder: 'workflow id', autocomplete: 'off' }),
    typeName: h('input', { id: 'f-type-name', type: 'text', placeholder: 'type name', autocomplete: 'off' }),
    typeVersion: h('input', { id: 'f-type-version', type: 'text', placeholder: 'version (optional)', autocomplete: 'off' }),
    tag: h('input', { id: 'f-tag', type: 'text', placeholder: 'tag', autocomplete: 'off' }),
    closeStatus: h('select', { id: 'f-close-status' }, CLOSE_STATUSES.map((s) => h('option', { value: s }, s))),
    from: h('input', { id: 'f-from', type: 'datetime-local', step: 1 }),
    to: h('input', { id: 'f-to', type: 'datetime-local', step: 1 }),
  };
  const inputs = {
    workflowId: h('span', { class: 'f-input' }, f.workflowId),
    type: h('span', { class: 'f-input' }, f.typeName, ' ', f.typeVersion),
    tag: h('span', { class: 'f-input' }, f.tag),
    closeStatus: h('span', { class: 'f-input' }, f.closeStatus),
  };
  const closeOpt = f.kind.querySelector('option[value=closeStatus]');
  const sync = () => {
    const closed = f.status.value === 'closed';
    closeOpt.disabled = !closed;
    if (!closed && f.kind.value === 'closeStatus') f.kind.value = '';
    for (const [k, el] of Object.entries(inputs)) el.hidden = f.kind.value !== k;
  };
  f.status.addEventListener('change', sync);
  f.kind.addEventListener('change', sync);
  sync();
  const formErr = h('div');
  const form = h('form', { class: 'filters', id: 'filters' },
    h('label', {}, 'Status ', f.status),
    h('label', {}, 'Filter by ', f.kind), ...Object.values(inputs),
    h('label', {}, 'Started from ', f.from), h('label', {}, 'to ', f.to),
    h('button', { type: 'submit', class: 'primary', id: 'f-apply' }, 'Apply'),
    h('span', { class: 'muted hint' }, 'SWF takes one of workflow id, type, tag or close status per query.'));
  const tbody = h('tbody');
  const footer = h('div', { class: 'footer-row' });
  main.replaceChildren(
    h('nav', { class: 'crumbs' }, h('a', { href: route('swf') }, 'SWF domains'), ' / ', domain),
    h('div', { class: 'page-head' }, h('h1', {}, domain)),
    form, formErr,
    h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'executions' },
      h('thead', {}, h('tr', {}, ['Workflow id', 'Run id', 'Type', 'Started', 'Status', 'Closed', 'Tags'].map((x) => h('th', {}, x)))),
      tbody)),
    footer);

  const query = () => {
    const q = { domain, maximumPageSize: 50, reverseOrder: true };
    const from = toEpoch(f.from.value), to = toEpoch(f.to.value);
    q.startTimeFilter = { oldestDate: from !== undefined ? from : 0 };
    if (to !== undefined) q.startTimeFilter.latestDate = to;
    switch (f.kind.value) {
      case 'workflowId':
        if (f.workflowId.value) q.executionFilter = { workflowId: f.workflowId.value };
        break;
      case 'type':
        if (f.typeName.value) q.typeFilter = { name: f.typeName.value, version: f.typeVersion.value || undefined };
        break;
      case 'tag':
        if (f.tag.value) q.tagFilter = { tag: f.tag.value };
        break;
      case 'closeStatus':
        q.closeStatusFilter = { status: f.closeStatus.value };
        break;
    }
    return q;
  };
  const load = () => {
    const q = query();
    const op = f.status.value === 'closed' ? 'ListClosedWorkflowExecutions' : 'ListOpenWorkflowExecutions';
    tbody.replaceChildren();
    formErr.replaceChildren();
    pager(async (token) => {
      const out = await swf(op, { ...q, nextPageToken: token });
      const items = out.executionInfos || [];
      return { items, next: out.nextPageToken, count: items.length };
    }, (items) => {
      tbody.append(...items.map((x) => h('tr', { class: 'execution-row', dataset: { workflowId: x.execution.workflowId } },
        h('td', {}, h('a', { href: route('swf', domain, x.execution.workflowId, x.execution.runId) }, x.execution.workflowId)),
        h('td', { class: 'mono', title: x.execution.runId }, x.execution.runId.slice(0, 12) + '…'),
        h('td', {}, x.workflowType.name + ' ' + x.workflowType.version),
        h('td', {}, fmtTime(x.startTimestamp)),
        h('td', {}, statusBadge(x.executionStatus === 'OPEN' ? 'OPEN' : x.closeStatus)),
        h('td', {}, fmtTime(x.closeTimestamp)),
        h('td', {}, (x.tagList || []).map((t) => h('span', { class: 'tag' }, t))))));
      if (!tbody.rows.length) tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No execution matches.')));
    }, footer)();
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
  load();
}

export function statusBadge(s) {
  const cls = { OPEN: 'b-run', RUNNING: 'b-run', COMPLETED: 'b-good', SUCCEEDED: 'b-good', FAILED: 'b-bad', TIMED_OUT: 'b-bad',
    TERMINATED: 'b-bad', ABORTED: 'b-bad', CANCELED: 'b-warn', CONTINUED_AS_NEW: 'b-info' }[s] || 'b-info';
  return h('span', { class: 'badge status ' + cls }, s);
}

// derive reads what is open or happened from the history: timers, child executions, signals.
function derive(events) {
  const timers = new Map();
  const children = new Map();
  const signals = [];
  for (const ev of events) {
    const a = ev.attrs || {};
    switch (ev.type) {
      case 'TimerStarted':
        timers.set(a.timerId, { id: a.timerId, started: ev.time, fireIn: Number(a.startToFireTimeout), control: a.control });
        break;
      case 'TimerFired':
      case 'TimerCanceled':
        timers.delete(a.timerId);
        break;
      case 'StartChildWorkflowExecutionInitiated':
        children.set(a.workflowId, { workflowId: a.workflowId, type: a.workflowType, status: 'STARTING', initiated: ev.time });
        break;
      case 'WorkflowExecutionSignaled':
        signals.push({ name: a.signalName, input: a.input, time: ev.time, from: a.externalWorkflowExecution });
        break;
      default:
        if (ev.type.startsWith('ChildWorkflowExecution') || ev.type === 'StartChildWorkflowExecutionFailed') {
          const id = a.workflowExecution ? a.workflowExecution.workflowId : a.workflowId;
          const c = children.get(id) || { workflowId: id, type: a.workflowType };
          if (a.workflowExecution) c.runId = a.workflowExecution.runId;
          c.status = ev.type.replace('ChildWorkflowExecution', '').replace('StartChildWorkflowExecution', 'Start').toUpperCase() || c.status;
          children.set(id, c);
        }
    }
  }
  return { timers: [...timers.values()], children: [...children.values()], signals };
}

// historyAfter reads the run's events after the event id known.
function historyAfter(domain, execution, known) {
  return newEvents(async (token, size) => {
    const out = await swf('GetWorkflowExecutionHistory', { domain, execution, reverseOrder: true, maximumPageSize: size, nextPageToken: token });
    return { events: out.events || [], next: out.nextPageToken };
  }, known);
}

export async function executionPage(ctx, main, domain, workflowId, runId) {
  const execution = { workflowId, runId };
  const actionErr = h('div', { id: 'action-error' });
  const head = h('div', { class: 'page-head' });
  const summaryBox = h('section', { class: 'panel' });
  const derived = h('div', { class: 'cols' });
  const histBox = h('section', { class: 'panel' });
  const open = new Set();
  let liveBox = h('div');
  main.replaceChildren(
    h('nav', { class: 'crumbs' }, h('a', { href: route('swf') }, 'SWF domains'), ' / ', h('a', { href: route('swf', domain) }, domain), ' / ', workflowId),
    head, actionErr, summaryBox, liveBox, derived, histBox);

  let refreshTimer = 0;
  let liveStarted = false;
  let lastStamp = '';
  let events = []; // the history read so far; each refresh reads what came after
  const refresh = async () => {
    clearTimeout(refreshTimer);
    let d;
    try {
      let fresh;
      [d, fresh] = await Promise.all([swf('DescribeWorkflowExecution', { domain, execution }),
        historyAfter(domain, execution, events.length ? events[events.length - 1].id : 0)]);
      // Refreshes overlap (the Refresh button, an action's, the periodic one) and may read the same new
      // events: keep only those past what another refresh added meanwhile.
      const last = events.length ? events[events.length - 1].id : 0;
      events = events.concat(fresh.filter((ev) => ev.id > last));
    } catch (e) {
      if (!ctx.alive) return;
      summaryBox.replaceChildren(errorBox(e, 'DescribeWorkflowExecution'));
      lastStamp = '';
      if (!e.status || e.status >= 500) refreshTimer = setTimeout(refresh, 5000); // a restarting server, a network hiccup: try again
      return;
    }
    if (!ctx.alive) return;
    // Nothing new since the last reading: leave the page as it is (a selection, a scroll position).
    const stamp = events.length + ' ' + d.executionInfo.executionStatus + ' ' + JSON.stringify(d.openCounts);
    if (stamp === lastStamp) {
      if (d.executionInfo.executionStatus === 'OPEN' && ctx.alive) refreshTimer = setTimeout(refresh, 3000);
      return;
    }
    lastStamp = stamp;
    const info = d.executionInfo;
    const cfg = d.executionConfiguration || {};
    const isOpen = info.executionStatus === 'OPEN';
    head.replaceChildren(
      h('h1', {}, workflowId, ' ', statusBadge(isOpen ? 'OPEN' : info.closeStatus)),
      h('div', { class: 'actions' },
        isOpen ? [
          h('button', { id: 'act-signal', onclick: () => act('signal') }, 'Signal…'),
          h('button', { id: 'act-cancel', onclick: () => act('cancel') }, 'Request cancel…'),
          h('button', { id: 'act-terminate', class: 'danger', onclick: () => act('terminate') }, 'Terminate…'),
        ] : null,
        h('button', { id: 'act-refresh', onclick: refresh, title: 'read again' }, 'Refresh')));
    summaryBox.replaceChildren(h('h2', {}, 'Summary'), kv([
      ['Run id', h('span', { class: 'mono' }, runId)],
      ['Type', info.workflowType.name + ' ' + info.workflowType.version],
      ['Status', isOpen ? 'OPEN' : info.closeStatus],
      ['Started', fmtTime(info.startTimestamp)],
      ['Closed', info.closeTimestamp ? fmtTime(info.closeTimestamp) + ' (after ' + fmtDur(info.closeTimestamp - info.startTimestamp) + ')' : ''],
      ['Task list', cfg.taskList && cfg.taskList.name],
      ['Timeouts', cfg.executionStartToCloseTimeout ? `execution ${cfg.executionStartToCloseTimeout} s, decision task ${cfg.taskStartToCloseTimeout} s` : ''],
      ['Child policy', cfg.childPolicy],
      ['Parent', info.parent ? h('a', { href: route('swf', domain, info.parent.workflowId, info.parent.runId) }, info.parent.workflowId) : ''],
      ['Tags', (info.tagList || []).map((t) => h('span', { class: 'tag' }, t))],
      ['Open', d.openCounts ? `${d.openCounts.openActivityTasks} activity tasks, ${d.openCounts.openDecisionTasks} decision tasks, ${d.openCounts.openTimers} timers, ${d.openCounts.openChildWorkflowExecutions} children` : ''],
      ['Cancel requested', info.cancelRequested ? 'yes' : ''],
      ['Execution context', d.latestExecutionContext ? h('code', {}, d.latestExecutionContext) : ''],
    ], true));
    if (isOpen && !liveStarted) {
      liveStarted = true;
      const panel = livePanel(ctx, { domain, execution: { workflowId, runId } });
      liveBox.replaceWith(panel);
      liveBox = panel;
    } else if (!isOpen && liveStarted) {
      liveBox.finish();
    }
    const { timers, children, signals } = derive(events);
    derived.replaceChildren(
      h('section', { class: 'panel', id: 'timers' }, h('h2', {}, 'Open timers'),
        timers.length ? table('grid small', ['Timer', 'Started', 'Fires'], timers.map((t) => h('tr', {},
          h('td', {}, t.id), h('td', { title: fmtTime(t.started) }, fmtTime(t.started).slice(11, 19)),
          h('td', { title: fmtTime(t.started + t.fireIn) }, fmtTime(t.started + t.fireIn).slice(11, 19), h('span', { class: 'muted' }, ' after ' + fmtDur(t.fireIn))))))
          : h('p', { class: 'muted' }, 'None.')),
      h('section', { class: 'panel', id: 'children' }, h('h2', {}, 'Child executions'),
        children.length ? table('grid small', ['Workflow id', 'Type', 'Status'], children.map((c) => h('tr', {},
          h('td', {}, c.runId ? h('a', { href: route('swf', domain, c.workflowId, c.runId) }, c.workflowId) : c.workflowId),
          h('td', {}, c.type ? c.type.name + ' ' + c.type.version : ''), h('td', {}, c.status))))
          : h('p', { class: 'muted' }, 'None.')),
      h('section', { class: 'panel', id: 'signals' }, h('h2', {}, 'Signals'),
        signals.length ? table('grid small', ['Signal', 'Received', 'Input'], signals.map((s) => h('tr', {},
          h('td', {}, s.name), h('td', { title: fmtTime(s.time) }, fmtTime(s.time).slice(11, 19)), h('td', {}, s.input ? h('code', {}, s.input) : ''))))
          : h('p', { class: 'muted' }, 'None.')));
    histBox.replaceChildren(h('h2', {}, 'History ', h('span', { class: 'muted' }, events.length + ' events')), historyView(events, open));
    if (isOpen && ctx.alive) refreshTimer = setTimeout(refresh, 3000);
  };
  ctx.onCleanup(() => clearTimeout(refreshTimer));

  async function act(kind) {
    actionErr.replaceChildren();
    let values, op, input;
    if (kind === 'signal') {
      values = await confirmDialog({ title: 'Signal ' + workflowId, confirmLabel: 'Send signal',
        fields: [{ name: 'signalName', label: 'Signal name', required: true }, { name: 'input', label: 'Input', type: 'textarea' }] });
      op = 'SignalWorkflowExecution';
      input = values && { domain, workflowId, runId, signalName: values.signalName, input: values.input || undefined };
    } else if (kind === 'cancel') {
      values = await confirmDialog({ title: 'Request cancel', confirmLabel: 'Request cancel',
        message: 'The decider is told (WorkflowExecutionCancelRequested) and decides what to do.' });
      op = 'RequestCancelWorkflowExecution';
      input = values && { domain, workflowId, runId };
    } else {
      values = await confirmDialog({ title: 'Terminate ' + workflowId, confirmLabel: 'Terminate', danger: true,
        message: 'The execution closes at once as TERMINATED; its decider and workers are not asked.',
        fields: [{ name: 'reason', label: 'Reason' }, { name: 'details', label: 'Details', type: 'textarea' }] });
      op = 'TerminateWorkflowExecution';
      input = values && { domain, workflowId, runId, reason: values.reason || undefined, details: values.details || undefined };
    }
    if (!values) return;
    try {
      await swf(op, input);
      actionErr.replaceChildren(h('div', { class: 'notice' }, op + ': done.'));
    } catch (e) {
      actionErr.replaceChildren(errorBox(e, op));
    }
    refresh();
  }
  await refresh();
}

