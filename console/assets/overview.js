// The overview: the server's own metrics over the last minutes (the console's sampler, /ui/api/metrics),
// drawn as line charts.

import { h, s, fmtDur, errorBox } from './ui.js';

const REFRESH_MS = 5000;
const SERIES = 6; // colours; more operations are summed as "other"

// chart draws series [{name, points: [[t, v]]}] over [t0, t1] as an SVG line chart.
function chart({ id, title, series, t0, t1, fmt }) {
  const W = 560, H = 170, L = 56, R = 10, T = 10, B = 22;
  let max = 0;
  for (const se of series) for (const [, v] of se.points) max = Math.max(max, v);
  max = max > 0 ? max * 1.1 : 1;
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R);
  const y = (v) => H - B - (v / max) * (H - T - B);
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  for (const f of [0, 0.5, 1]) {
    const v = max * f;
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid-line' }),
      s('text', { x: L - 6, y: y(v) + 4, class: 'axis-label end' }, fmt(v)));
  }
  // Four ticks over the window, labelled by how long ago.
  for (let i = 0; i <= 3; i++) {
    const ago = ((t1 - t0) * i) / 3;
    const label = i === 0 ? 'now' : '−' + (ago >= 120 ? Math.round(ago / 60) + ' min' : Math.round(ago) + ' s');
    svg.append(s('text', { x: x(t1 - ago), y: H - 6, class: 'axis-label ' + (i === 3 ? 'start' : 'middle') }, label));
  }
  series.forEach((se, i) => {
    if (!se.points.length) return;
    const d = se.points.map(([t, v], j) => (j ? 'L' : 'M') + x(t).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
    svg.append(s('path', { d, class: 'line series-' + (i % SERIES) }));
  });
  if (series.every((se) => !se.points.length)) {
    svg.append(s('text', { x: (L + W - R) / 2, y: (T + H - B) / 2, class: 'axis-label middle' }, 'none in this window'));
  }
  const last = (se) => (se.points.length ? se.points[se.points.length - 1][1] : 0);
  return h('section', { class: 'panel chart-panel', id },
    h('h2', {}, title),
    svg,
    h('div', { class: 'legend' }, series.map((se, i) => h('span', { class: 'key series-' + (i % SERIES) }, se.name + ' ', h('strong', {}, fmt(last(se)))))));
}

const perSec = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + '/s';
const count = (v) => String(Math.round(v));
const secs = (v) => fmtDur(v);

export function overviewPage(ctx, main) {
  const body = h('div', { class: 'charts' }, h('p', { class: 'muted' }, 'loading…'));
  main.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), h('span', { class: 'muted' }, 'the server\u2019s own metrics, sampled every few seconds, up to the last 15 minutes')),
    body);
  let timer = 0;
  const load = async () => {
    try {
      const r = await fetch('api/metrics', { cache: 'no-store' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const data = await r.json();
      if (ctx.alive) render(data);
    } catch (e) {
      if (ctx.alive) body.replaceChildren(errorBox(e, 'Reading the metrics'));
    }
    if (ctx.alive) timer = setTimeout(load, REFRESH_MS);
  };
  ctx.onCleanup(() => clearTimeout(timer));

  function render(data) {
    const pts = data.points || [];
    // The window: the last 15 minutes, or since the first sample when the server is younger (at least a
    // minute), so that a fresh server's first figures are not a sliver at the right edge.
    const t1 = pts.length ? pts[pts.length - 1].t : Date.now() / 1000;
    const t0 = t1 - Math.min(15 * 60, Math.max(60, pts.length ? t1 - pts[0].t : 0));
    if (pts.length < 1) {
      body.replaceChildren(h('p', { class: 'muted' }, `Collecting: the first figures show ${data.intervalSeconds || 5} s after the server started.`));
      return;
    }
    const totals = new Map();
    for (const p of pts) for (const [op, v] of Object.entries(p.requests)) totals.set(op, (totals.get(op) || 0) + v);
    const ops = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([op]) => op);
    const top = ops.slice(0, SERIES - 1);
    const reqSeries = top.map((op) => ({ name: op || '(no operation)', points: pts.map((p) => [p.t, p.requests[op] || 0]) }));
    if (ops.length > top.length) {
      reqSeries.push({ name: 'other', points: pts.map((p) => [p.t, ops.slice(top.length).reduce((a, op) => a + (p.requests[op] || 0), 0)]) });
    }
    const total = pts.map((p) => [p.t, Object.values(p.requests).reduce((a, b) => a + b, 0)]);
    const lastPt = pts[pts.length - 1];
    const sum = (m) => Object.values(m || {}).reduce((a, b) => a + b, 0);
    const cards = h('div', { class: 'cards' },
      card('Requests', perSec(total[total.length - 1][1]), perSec(lastPt.faults) + ' faults'),
      card('Heartbeats', perSec(lastPt.heartbeats)),
      card('Open activity tasks', count(sum(lastPt.openActivityTasks)), `${count((lastPt.openActivityTasks || {}).started || 0)} started`),
      card('Commit p99', lastPt.commit.count ? secs(lastPt.commit.p99) : '—', lastPt.commit.count ? 'mean ' + secs(lastPt.commit.mean) : 'no commits'));
    body.replaceChildren(cards,
      h('div', { class: 'chart-grid' },
        chart({ id: 'chart-requests', title: 'Requests per second, by operation', series: reqSeries.length ? reqSeries : [{ name: 'all', points: total }], t0, t1, fmt: perSec }),
        chart({ id: 'chart-heartbeats', title: 'Heartbeats per second', series: [{ name: 'heartbeats', points: pts.map((p) => [p.t, p.heartbeats]) }], t0, t1, fmt: perSec }),
        chart({ id: 'chart-open', title: 'Open tasks', t0, t1, fmt: count, series: [
          { name: 'activity, scheduled', points: pts.map((p) => [p.t, (p.openActivityTasks || {}).scheduled || 0]) },
          { name: 'activity, started', points: pts.map((p) => [p.t, (p.openActivityTasks || {}).started || 0]) },
          { name: 'decision', points: pts.map((p) => [p.t, sum(p.openDecisionTasks)]) }] }),
        chart({ id: 'chart-lateness', title: 'Timer lateness', t0, t1, fmt: secs, series: [
          { name: 'mean', points: pts.filter((p) => p.timerLateness.count).map((p) => [p.t, p.timerLateness.mean]) },
          { name: 'p99', points: pts.filter((p) => p.timerLateness.count).map((p) => [p.t, p.timerLateness.p99]) }] }),
        chart({ id: 'chart-commit', title: 'Commit latency', t0, t1, fmt: secs, series: [
          { name: 'mean', points: pts.filter((p) => p.commit.count).map((p) => [p.t, p.commit.mean]) },
          { name: 'p99', points: pts.filter((p) => p.commit.count).map((p) => [p.t, p.commit.p99]) }] })));
  }
  load();
}

function card(title, value, note) {
  return h('div', { class: 'card' }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value' }, value), note ? h('div', { class: 'muted' }, note) : null);
}
