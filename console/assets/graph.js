// A state machine drawn from its States Language definition: a layered layout (each state one layer below
// the first state that leads to it, breadth first from StartAt), ordered within layers by their
// predecessors' positions, with Next, Default, Choices and Catch edges. Parallel and Map states are drawn
// as single boxes. Each state is coloured by its status in the execution's history, when given.

import { s } from './ui.js';

const W = 168, H = 40, GX = 28, GY = 46, PAD = 24;
const START = '\u0000start', END = '\u0000end';

// edgesOf lists a state's outgoing edges: [target, kind].
function edgesOf(st) {
  const out = [];
  if (st.Next) out.push([st.Next, 'next']);
  for (const c of st.Choices || []) if (c.Next) out.push([c.Next, 'choice']);
  if (st.Default) out.push([st.Default, 'default']);
  for (const c of st.Catch || []) if (c.Next) out.push([c.Next, 'catch']);
  if (st.End || st.Type === 'Succeed' || st.Type === 'Fail') out.push([END, 'end']);
  return out;
}

// layout places the states of def: {nodes: Map name → {x, y, layer, type}, edges: [{from, to, kind}], width, height}.
export function layout(def) {
  const states = def.States || {};
  const edges = [{ from: START, to: def.StartAt, kind: 'next' }];
  for (const [name, st] of Object.entries(states)) {
    for (const [to, kind] of edgesOf(st)) if (to === END || states[to]) edges.push({ from: name, to, kind });
  }
  // Longest-path layering over the edges that do not close a loop (found by a depth-first walk from the
  // start), so that every forward edge points down at least one layer; a loop's closing edge is drawn
  // around the right-hand side.
  const out = new Map();
  for (const e of edges) (out.get(e.from) || out.set(e.from, []).get(e.from)).push(e);
  const seen = new Set(), onStack = new Set(), order = [];
  const visit = (n) => { // iterative, so that a long chain of states cannot overflow the stack
    const stack = [[n, 0]];
    seen.add(n);
    onStack.add(n);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = out.get(top[0]) || [];
      if (top[1] < list.length) {
        const e = list[top[1]++];
        if (onStack.has(e.to)) e.back = true;
        else if (!seen.has(e.to)) {
          seen.add(e.to);
          onStack.add(e.to);
          stack.push([e.to, 0]);
        }
      } else {
        onStack.delete(top[0]);
        order.push(top[0]);
        stack.pop();
      }
    }
  };
  visit(START);
  for (const name of Object.keys(states)) if (!seen.has(name)) visit(name); // unreachable states
  if (!seen.has(END)) order.unshift(END);
  order.reverse(); // a topological order of the forward edges
  const layer = new Map(order.map((n) => [n, 0]));
  for (const n of order) {
    for (const e of out.get(n) || []) {
      if (!e.back) layer.set(e.to, Math.max(layer.get(e.to), layer.get(n) + 1));
    }
  }
  const max = Math.max(...layer.values());
  layer.set(END, max); // End at the bottom
  const layers = [];
  for (const name of order) (layers[layer.get(name)] ||= []).push(name);
  const pos = new Map();
  // Two passes of the barycentre heuristic: each layer sorted by the mean index of its predecessors.
  const index = new Map();
  layers.forEach((l) => l.forEach((n, i) => index.set(n, i)));
  for (let pass = 0; pass < 2; pass++) {
    for (let li = 1; li < layers.length; li++) {
      const bary = new Map();
      for (const n of layers[li]) {
        const preds = edges.filter((e) => e.to === n && layer.get(e.from) < li).map((e) => index.get(e.from) / Math.max(1, layers[layer.get(e.from)].length - 1));
        bary.set(n, preds.length ? preds.reduce((a, b) => a + b, 0) / preds.length : index.get(n) / Math.max(1, layers[li].length));
      }
      layers[li].sort((a, b) => bary.get(a) - bary.get(b));
      layers[li].forEach((n, i) => index.set(n, i));
    }
  }
  const widest = Math.max(...layers.map((l) => l.length));
  const width = PAD * 2 + widest * W + (widest - 1) * GX + 60; // room on the right for back edges
  layers.forEach((l, li) => {
    const rowWidth = l.length * W + (l.length - 1) * GX;
    const x0 = (width - 60 - rowWidth) / 2;
    l.forEach((n, i) => {
      const small = n === START || n === END;
      pos.set(n, { x: x0 + i * (W + GX) + W / 2, y: PAD + li * (H + GY) + H / 2, layer: li, small,
        type: small ? '' : states[n].Type });
    });
  });
  return { nodes: pos, edges, width, height: PAD * 2 + layers.length * H + (layers.length - 1) * GY };
}

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

// drawGraph returns the SVG of def, with statuses: Map state name → 'running' | 'succeeded' | 'failed'.
export function drawGraph(def, statuses = new Map()) {
  const { nodes, edges, width, height } = layout(def);
  const svg = s('svg', { class: 'graph', id: 'graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': 'state machine graph' });
  svg.append(s('defs', {},
    s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }))));
  const g = s('g', { class: 'edges' });
  for (const e of edges) {
    const a = nodes.get(e.from), b = nodes.get(e.to);
    if (!a || !b) continue;
    const ah = a.small ? 8 : H / 2, bh = b.small ? 8 : H / 2;
    let d;
    if (b.layer > a.layer) {
      const y1 = a.y + ah, y2 = b.y - bh, my = (y1 + y2) / 2;
      d = `M${a.x},${y1} C${a.x},${my} ${b.x},${my} ${b.x},${y2}`;
    } else {
      // A back edge (a loop) or one within a layer: around the right.
      const x1 = a.x + W / 2, x2 = b.x + W / 2, out = Math.max(x1, x2) + 30 + 6 * (a.layer - b.layer);
      d = `M${x1},${a.y} C${out},${a.y} ${out},${b.y} ${x2},${b.y}`;
    }
    g.append(s('path', { d, class: 'edge edge-' + e.kind, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
  }
  svg.append(g);
  for (const [name, p] of nodes) {
    if (p.small) {
      const label = name === START ? 'Start' : 'End';
      svg.append(s('g', { class: 'node node-terminal' },
        s('circle', { cx: p.x, cy: p.y, r: 8 }),
        s('text', { x: p.x + 14, y: p.y + 4, class: 'node-note' }, label)));
      continue;
    }
    const status = statuses.get(name) || 'notrun';
    const container = p.type === 'Parallel' || p.type === 'Map';
    const st = def.States[name];
    const note = container ? (p.type === 'Parallel' ? `Parallel · ${(st.Branches || []).length} branches` : 'Map') : p.type;
    svg.append(s('g', { class: `node state status-${status}${container ? ' container' : ''}`, 'data-state': name, 'data-status': status },
      s('title', {}, `${name} (${p.type}): ${status === 'notrun' ? 'not entered' : status}`),
      s('rect', { x: p.x - W / 2, y: p.y - H / 2, width: W, height: H, rx: 6 }),
      container ? s('rect', { x: p.x - W / 2 + 3, y: p.y - H / 2 + 3, width: W - 6, height: H - 6, rx: 4, class: 'inner' }) : null,
      s('text', { x: p.x, y: p.y - 2, class: 'node-name' }, clip(name, 24)),
      s('text', { x: p.x, y: p.y + 12, class: 'node-note' }, note)));
  }
  return svg;
}

// statusesFrom reads each state's status from a Step Functions history (normalized events): running
// once entered, succeeded once exited, failed when a failure came while it ran and no retry followed.
export function statusesFrom(events) {
  const status = new Map();
  const running = []; // names, most recently entered last
  for (const ev of events) {
    const a = ev.attrs || {};
    if (ev.type.endsWith('StateEntered')) {
      status.set(a.name, 'running');
      running.push(a.name);
    } else if (ev.type.endsWith('StateExited')) {
      if (status.get(a.name) !== 'failed') status.set(a.name, 'succeeded');
      const i = running.lastIndexOf(a.name);
      if (i >= 0) running.splice(i, 1);
    } else if (/(Failed|TimedOut|Aborted)$/.test(ev.type) && !ev.type.startsWith('Execution')) {
      const cur = running[running.length - 1];
      if (cur) status.set(cur, 'failed');
    } else if (/(Scheduled|Started)$/.test(ev.type) && !ev.type.startsWith('Execution')) {
      const cur = running[running.length - 1];
      if (cur && status.get(cur) === 'failed') status.set(cur, 'running'); // a retry
    } else if (/^Execution(Failed|TimedOut|Aborted)$/.test(ev.type)) {
      for (const n of running) status.set(n, 'failed');
      running.length = 0;
    }
  }
  return status;
}
