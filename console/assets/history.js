// An execution's history as a timeline: one line per event with its time and the time since the event
// before, a short summary, and its attributes behind a disclosure.

import { h, fmtTime, fmtDur, pretty } from './ui.js';

const SUMMARY_KEYS = ['name', 'activityId', 'timerId', 'signalName', 'stateName', 'timeoutType', 'cause', 'reason', 'error',
  'details', 'identity', 'workerName', 'resource', 'startToFireTimeout', 'decisionTaskCompletedEventId'];

function summary(attrs) {
  if (!attrs) return '';
  const parts = [];
  if (attrs.activityType) parts.push(attrs.activityType.name + ' ' + attrs.activityType.version);
  if (attrs.workflowType) parts.push(attrs.workflowType.name + ' ' + attrs.workflowType.version);
  if (attrs.workflowExecution && attrs.workflowExecution.workflowId) parts.push('workflow ' + attrs.workflowExecution.workflowId);
  if (attrs.workflowId) parts.push('workflow ' + attrs.workflowId);
  for (const k of SUMMARY_KEYS) {
    const v = attrs[k];
    if (v === undefined || v === null || typeof v === 'object') continue;
    let str = String(v);
    if (str.length > 60) str = str.slice(0, 60) + '…';
    parts.push(k + ': ' + str);
  }
  return parts.join(' · ');
}

export function eventClass(type) {
  if (/(Failed|TimedOut|Terminated|Aborted)$/.test(type)) return 'ev-bad';
  if (/(Canceled|CancelRequested|Cancelled)$/.test(type)) return 'ev-warn';
  if (/(Completed|Succeeded|Exited|Fired)$/.test(type)) return 'ev-good';
  if (/(Signaled|Signalled)$/.test(type)) return 'ev-signal';
  return 'ev-info';
}

// attrsOf finds an event's attributes: the one member ending in EventAttributes (SWF) or EventDetails
// (Step Functions).
export function attrsOf(ev) {
  for (const [k, v] of Object.entries(ev)) {
    if (k.endsWith('EventAttributes') || k.endsWith('EventDetails')) return v;
  }
  return undefined;
}

// normalize returns {id, type, time, prev, attrs} of an SWF or Step Functions event.
export function normalize(ev) {
  return {
    id: ev.eventId !== undefined ? ev.eventId : ev.id,
    type: ev.eventType || ev.type,
    time: ev.eventTimestamp !== undefined ? ev.eventTimestamp : ev.timestamp,
    prev: ev.previousEventId,
    attrs: attrsOf(ev),
  };
}

// MAX_EVENTS bounds the events a page reads: the longest histories SWF allows (25,000 events) and then some.
const MAX_EVENTS = 50000;

// newEvents reads the events after knownLast (an event id; 0 for the whole history) newest first, page by
// page, and returns them oldest first, normalized. A page answers {events, next}; fetchPage(token, size)
// reads one in reverse order. When something is known already the first page is small, so that a periodic
// check of a long history that has not moved costs one small read.
export async function newEvents(fetchPage, knownLast) {
  const fresh = [];
  let token;
  let size = knownLast > 0 ? 25 : 1000;
  do {
    const page = await fetchPage(token, size);
    for (const raw of page.events) {
      const ev = normalize(raw);
      if (ev.id <= knownLast) return fresh.reverse();
      fresh.push(ev);
    }
    token = page.next;
    size = 1000;
  } while (token && fresh.length < MAX_EVENTS);
  return fresh.reverse();
}

// historyView renders events (normalized). open is the set of event ids whose details are shown, kept
// across re-renders.
export function historyView(events, open = new Set()) {
  const first = events.length ? events[0].time : 0;
  let prev = first;
  const items = events.map((ev) => {
    const delta = ev.time - prev;
    prev = ev.time;
    const det = h('details', { class: 'ev-details', open: open.has(ev.id) || null },
      h('summary', {},
        h('span', { class: 'ev-id' }, ev.id),
        h('span', { class: 'ev-type ' + eventClass(ev.type) }, ev.type),
        h('span', { class: 'ev-sum' }, summary(ev.attrs)),
        h('span', { class: 'ev-time', title: fmtTime(ev.time) }, fmtTime(ev.time).slice(11)),
        h('span', { class: 'ev-delta', title: 'since the event before' }, delta > 0 ? '+' + fmtDur(delta) : '')),
      h('pre', { class: 'json' }, ev.attrs ? pretty(ev.attrs) : '(no attributes)'));
    det.addEventListener('toggle', () => (det.open ? open.add(ev.id) : open.delete(ev.id)));
    return h('li', { class: 'event', dataset: { type: ev.type } }, det);
  });
  return h('ol', { class: 'timeline' }, items);
}
