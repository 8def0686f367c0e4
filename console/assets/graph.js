// A state machine drawn from its States Language definition: a layered layout (each state one layer below
// the first state that leads to it, breadth first from StartAt), ordered within layers by their
// predecessors' positions, with Next, Default, Choices and Catch edges. A Parallel state is drawn as a box
// holding its branches side by side, a Map state as a box holding its item processor, each laid out the same
// way. Each state, nested ones included, is coloured by its status in the execution's history, when given.

import { s } from './ui.js';

const W = 168, H = 40, GX = 28, GY = 46;
const HEAD = 34, INSET = 8, BGAP = 14; // a container's header, its inner margin, the gap between branches
const MAX_DEPTH = 8; // containers nested deeper are drawn as plain boxes
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

// subDefinitions returns the definitions a container state holds: a Parallel's branches, a Map's item
// processor (ItemProcessor, or the older Iterator).
function subDefinitions(st) {
  if (st.Type === 'Parallel') return (st.Branches || []).filter((b) => b && b.States);
  if (st.Type === 'Map') {
    const p = st.ItemProcessor || st.Iterator;
    return p && p.States ? [p] : [];
  }
  return [];
}

// layout places the states of def: {nodes: Map name → {x, y, w, h, layer, type, subs}, edges: [{from, to,
// kind}], width, height}, x and y being a node's centre. A container's subs are the layouts of what it
// holds, each with its {dx, dy} from the container's top left corner. pad is the margin around the graph.
export function layout(def, depth = 0, pad = 24) {
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
  // Each node's size: a container's from what it holds.
  const size = new Map();
  for (const name of order) {
    if (name === START || name === END) {
      size.set(name, { w: W, h: 16, subs: [] });
      continue;
    }
    const subs = depth < MAX_DEPTH ? subDefinitions(states[name]).map((d) => layout(d, depth + 1, 10)) : [];
    if (!subs.length) {
      size.set(name, { w: W, h: H, subs });
      continue;
    }
    let dx = INSET;
    for (const sub of subs) {
      sub.dx = dx;
      sub.dy = HEAD;
      dx += sub.width + BGAP;
    }
    const inner = dx - BGAP + INSET;
    if (inner < W) for (const sub of subs) sub.dx += (W - inner) / 2;
    size.set(name, { w: Math.max(W, inner), h: HEAD + Math.max(...subs.map((b) => b.height)) + INSET, subs });
  }
  const rowWidth = (l) => l.reduce((sum, n) => sum + size.get(n).w, 0) + (l.length - 1) * GX;
  const hasBack = edges.some((e) => e.back);
  const right = hasBack ? 60 : 0; // room on the right for loops' edges
  const width = pad * 2 + Math.max(...layers.map(rowWidth)) + right;
  let top = pad;
  layers.forEach((l, li) => {
    const lh = Math.max(...l.map((n) => (n === START || n === END ? H : size.get(n).h)));
    let x = (width - right - rowWidth(l)) / 2;
    for (const n of l) {
      const { w, h, subs } = size.get(n);
      const small = n === START || n === END;
      pos.set(n, { x: x + w / 2, y: top + lh / 2, w, h, layer: li, small, subs, type: small ? '' : states[n].Type });
      x += w + GX;
    }
    top += lh + GY;
  });
  return { nodes: pos, edges, width, height: top - GY + pad };
}

function clip(text, n) {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

// drawGraph returns the SVG of def, with statuses: Map state name → 'running' | 'succeeded' | 'failed'.
export function drawGraph(def, statuses = new Map()) {
  const lay = layout(def);
  const svg = s('svg', { class: 'graph', id: 'graph', viewBox: `0 0 ${lay.width} ${lay.height}`, width: lay.width, height: lay.height,
    role: 'img', 'aria-label': 'state machine graph' });
  svg.append(s('defs', {},
    s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' }))));
  drawLayout(svg, lay, def, 0, 0, statuses);
  return svg;
}

// drawLayout appends to svg the edges and states of lay (the layout of def) moved by (ox, oy). A container's
// branches are appended after it, as its siblings, so that its status colours none of their states.
function drawLayout(svg, lay, def, ox, oy, statuses) {
  const { nodes, edges } = lay;
  const g = s('g', { class: 'edges' });
  for (const e of edges) {
    const a = nodes.get(e.from), b = nodes.get(e.to);
    if (!a || !b) continue;
    const ax = ox + a.x, ay = oy + a.y, bx = ox + b.x, by = oy + b.y;
    let d;
    if (b.layer > a.layer) {
      const y1 = ay + a.h / 2, y2 = by - b.h / 2, my = (y1 + y2) / 2;
      d = `M${ax},${y1} C${ax},${my} ${bx},${my} ${bx},${y2}`;
    } else {
      // A back edge (a loop) or one within a layer: around the right.
      const x1 = ax + (a.small ? 8 : a.w / 2), x2 = bx + (b.small ? 8 : b.w / 2), out = Math.max(x1, x2) + 30 + 6 * (a.layer - b.layer);
      d = `M${x1},${ay} C${out},${ay} ${out},${by} ${x2},${by}`;
    }
    g.append(s('path', { d, class: 'edge edge-' + e.kind, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to }));
  }
  svg.append(g);
  for (const [name, p] of nodes) {
    const x = ox + p.x, y = oy + p.y;
    if (p.small) {
      const label = name === START ? 'Start' : 'End';
      svg.append(s('g', { class: 'node node-terminal' },
        s('circle', { cx: x, cy: y, r: 8 }),
        s('text', { x: x + 14, y: y + 4, class: 'node-note' }, label)));
      continue;
    }
    const status = statuses.get(name) || 'notrun';
    const container = p.type === 'Parallel' || p.type === 'Map';
    const st = def.States[name];
    const note = p.type === 'Parallel' ? `Parallel · ${(st.Branches || []).length} branch${(st.Branches || []).length === 1 ? '' : 'es'}` : p.type;
    const left = x - p.w / 2, topY = y - p.h / 2;
    const expanded = p.subs.length > 0;
    svg.append(s('g', { class: `node state status-${status}${container ? ' container' : ''}`, 'data-state': name, 'data-status': status },
      s('title', {}, `${name} (${p.type}): ${status === 'notrun' ? 'not entered' : status}`),
      s('rect', { x: left, y: topY, width: p.w, height: p.h, rx: 6 }),
      container && !expanded ? s('rect', { x: left + 3, y: topY + 3, width: p.w - 6, height: p.h - 6, rx: 4, class: 'inner' }) : null,
      s('text', { x, y: expanded ? topY + 15 : y - 2, class: 'node-name' }, clip(name, expanded ? Math.max(24, Math.floor(p.w / 7)) : 24)),
      s('text', { x, y: expanded ? topY + 28 : y + 12, class: 'node-note' }, note)));
    const subDefs = subDefinitions(st);
    p.subs.forEach((sub, i) => {
      svg.append(s('rect', { x: left + sub.dx, y: topY + sub.dy, width: sub.width, height: sub.height, rx: 4, class: 'branch' }));
      drawLayout(svg, sub, subDefs[i], left + sub.dx, topY + sub.dy, statuses);
    });
  }
}

// statusesFrom reads each state's status from a Step Functions history (normalized events): running once
// entered, succeeded once exited, failed when a failure came while it ran and no retry followed. An event
// belongs to the state whose *StateEntered event its previousEventId chain reaches first: the chains are
// per branch, so the states of a Parallel's branches, which interleave, are told apart.
export function statusesFrom(events) {
  const status = new Map();
  const byId = new Map(events.map((ev) => [ev.id, ev]));
  const owners = new Map(); // event id → the name of the state it belongs to, or ''
  const ownerOf = (ev) => {
    const chain = [];
    let cur = ev, name = '';
    while (cur) {
      if (owners.has(cur.id)) {
        name = owners.get(cur.id);
        break;
      }
      chain.push(cur.id);
      if (cur.type.endsWith('StateEntered')) {
        name = (cur.attrs || {}).name || '';
        break;
      }
      if (cur.type.endsWith('StateExited') || !cur.prev || chain.length > 100000) break;
      cur = byId.get(cur.prev);
    }
    for (const id of chain) owners.set(id, name);
    return name;
  };
  const running = new Set(); // entered, not yet exited
  for (const ev of events) {
    const a = ev.attrs || {};
    if (ev.type.endsWith('StateEntered')) {
      status.set(a.name, 'running');
      running.add(a.name);
    } else if (ev.type.endsWith('StateExited')) {
      if (status.get(a.name) !== 'failed') status.set(a.name, 'succeeded');
      running.delete(a.name);
    } else if (/^Execution(Failed|TimedOut|Aborted)$/.test(ev.type)) {
      for (const n of running) status.set(n, 'failed');
      running.clear();
    } else if (/(Failed|TimedOut|Aborted)$/.test(ev.type) && !ev.type.startsWith('Execution') && !ev.type.startsWith('MapIteration')) {
      const name = ownerOf(ev);
      if (name) status.set(name, 'failed');
    } else if (/(Scheduled|Started)$/.test(ev.type) && !ev.type.startsWith('Execution') && !ev.type.startsWith('MapIteration')) {
      const name = ownerOf(ev);
      if (name && status.get(name) === 'failed') status.set(name, 'running'); // a retry
    }
  }
  return status;
}
