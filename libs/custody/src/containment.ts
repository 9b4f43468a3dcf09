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
 * Only the item and the containers it could ever be inside are followed: a case's other packages change nothing
 * for this one, and a recall report traces every package of a lot through the same cases.
 */
export function trace(item: string, events: readonly CustodyEvent[]): Trace {
  const relevant = possibleAncestry(item, events);
  const parentOf = new Map<string, string>();
  const touches: Touch[] = [];
  const spans: ContainerSpan[] = [];
  const open = new Map<string, ContainerSpan>();
  for (const event of events) {
    const s = event.summary;
    const hit = reach(ancestry(item, parentOf), s);
    if (hit) touches.push({ event, ...hit });
    if (s.type === 'AggregationEvent') aggregate(s, parentOf, relevant);

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

/** The item and every EPC it could be inside at some time: the closure of the item under the events' ADD and OBSERVE edges. */
function possibleAncestry(item: string, events: readonly CustodyEvent[]): Set<string> {
  const found = new Set([item]);
  const edges = events.map((e) => e.summary).filter((s) => s.type === 'AggregationEvent' && s.action !== 'DELETE');
  const holds = (children: ReadonlySet<string>) => {
    for (const epc of found) if (children.has(epc)) return true;
    return false;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of edges) {
      const { parent, children } = shapeOf(s);
      if (parent !== undefined && !found.has(parent) && holds(children)) {
        found.add(parent);
        grew = true;
      }
    }
  }
  return found;
}

function reach(chain: string[], s: EventSummary): Omit<Touch, 'event'> | undefined {
  let i: number;
  let container: string | undefined;
  const shape = shapeOf(s);
  if (s.type === 'AggregationEvent') {
    container = shape.parent;
    // Only the children move: an event that merely names the item's container as parent of other children is not about the item.
    if (shape.children.size) i = chain.findIndex((epc) => shape.children.has(epc));
    else i = container === undefined ? -1 : chain.indexOf(container, 1) - 1; // no children listed: the whole content of the parent
  } else i = chain.findIndex((epc) => shape.named.has(epc));
  return i < 0 ? undefined : { via: chain.slice(1, i + 1), container };
}

/** The aggregation's moves among the `relevant` EPCs (the others never lead to the item). */
function aggregate(s: EventSummary, parentOf: Map<string, string>, relevant: ReadonlySet<string>): void {
  const { parent, children } = shapeOf(s);
  if (parent === undefined) return;
  if (s.action !== 'DELETE') {
    for (const epc of relevant) if (children.has(epc)) parentOf.set(epc, parent);
  } else if (children.size) {
    for (const epc of relevant) if (children.has(epc) && parentOf.get(epc) === parent) parentOf.delete(epc);
  } else for (const [child, p] of parentOf) if (p === parent) parentOf.delete(child);
}

/** The EPCs an event names, and for an aggregation its parent and children. */
interface Shape {
  named: ReadonlySet<string>;
  parent?: string;
  children: ReadonlySet<string>;
}

// Summaries are values: the verify app shares one per logged event across every package it traces, so each
// event's shape is worked out once rather than once per package.
const shapes = new WeakMap<EventSummary, Shape>();

function shapeOf(s: EventSummary): Shape {
  let shape = shapes.get(s);
  if (!shape) {
    shape = {
      named: new Set(s.epcs.map((e) => e.epc)),
      parent: s.epcs.find((e) => e.role === 'parent')?.epc,
      children: new Set(s.epcs.filter((e) => e.role === 'child').map((e) => e.epc)),
    };
    shapes.set(s, shape);
  }
  return shape;
}
