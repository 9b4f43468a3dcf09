import type { EventSummary } from '@app/epcis';
import type { ContainerSpan, CustodyEvent } from './model';

/** An event that reached the item: naming it, or a container it was inside at the time. */
export interface Touch {
  event: CustodyEvent;
  /** Containers between the item and the EPC the event names, innermost first; empty when the event names the item. */
  via: string[];
  /** The aggregation's parent, for aggregation events. */
  container?: string;
}

export interface Trace {
  touches: Touch[];
  containers: ContainerSpan[];
}

/**
 * Replays aggregation over events in time order to find which of them reached `item`. Each EPC has at most
 * one parent at a time: ADD and OBSERVE put the children in the parent, DELETE takes the listed children
 * out (all of them when none are listed). An event naming a container applies to everything inside it.
 */
export function trace(item: string, events: readonly CustodyEvent[]): Trace {
  const parentOf = new Map<string, string>();
  const touches: Touch[] = [];
  const spans: ContainerSpan[] = [];
  const open = new Map<string, ContainerSpan>();
  for (const event of events) {
    const s = event.summary;
    const hit = reach(ancestry(item, parentOf), s);
    if (hit) touches.push({ event, ...hit });
    if (s.type === 'AggregationEvent') aggregate(s, parentOf);

    const inside = ancestry(item, parentOf).slice(1);
    for (const [epc, span] of open)
      if (!inside.includes(epc)) {
        span.to = s.eventTime;
        open.delete(epc);
      }
    for (const epc of inside)
      if (!open.has(epc)) {
        const span: ContainerSpan = { epc, from: s.eventTime };
        spans.push(span);
        open.set(epc, span);
      }
  }
  return { touches, containers: spans };
}

/** [epc, its parent, its grandparent, …]; stops at a cycle, which only out-of-order or forged events can create. */
function ancestry(epc: string, parentOf: ReadonlyMap<string, string>): string[] {
  const chain = [epc];
  for (let p = parentOf.get(epc); p !== undefined && !chain.includes(p); p = parentOf.get(p)) chain.push(p);
  return chain;
}

function reach(chain: string[], s: EventSummary): Omit<Touch, 'event'> | undefined {
  let i: number;
  let container: string | undefined;
  if (s.type === 'AggregationEvent') {
    const shape = shapeOf(s);
    container = shape.parent;
    // Only the children move: an event that merely names the item's container as parent of other children is not about the item.
    if (shape.children.length) i = chain.findIndex((epc) => shape.children.includes(epc));
    else i = container === undefined ? -1 : chain.indexOf(container, 1) - 1; // no children listed: the whole content of the parent
  } else i = chain.findIndex((epc) => s.epcs.some((e) => e.epc === epc));
  return i < 0 ? undefined : { via: chain.slice(1, i + 1), container };
}

function aggregate(s: EventSummary, parentOf: Map<string, string>): void {
  const { parent, children } = shapeOf(s);
  if (parent === undefined) return;
  if (s.action !== 'DELETE') for (const child of children) parentOf.set(child, parent);
  else if (children.length) {
    for (const child of children) if (parentOf.get(child) === parent) parentOf.delete(child);
  } else for (const [child, p] of parentOf) if (p === parent) parentOf.delete(child);
}

/** An aggregation's parent and children. */
interface Shape {
  parent?: string;
  children: readonly string[];
}

// Summaries are values: the verify app shares one per logged event across every package it traces, so each
// aggregation's shape is worked out once rather than once per package.
const shapes = new WeakMap<EventSummary, Shape>();

function shapeOf(s: EventSummary): Shape {
  let shape = shapes.get(s);
  if (!shape) {
    shape = { parent: s.epcs.find((e) => e.role === 'parent')?.epc, children: s.epcs.filter((e) => e.role === 'child').map((e) => e.epc) };
    shapes.set(s, shape);
  }
  return shape;
}
