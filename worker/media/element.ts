// The element trees satori lays out: React-shaped plain objects, built without
// JSX so the Worker needs no JSX runtime.

export type Style = Record<string, string | number>;

export interface Element {
  type: string;
  key?: string;
  props: { style?: Style; children?: Child | Child[]; src?: string; width?: number; height?: number; lang?: string };
}

export type Child = Element | string | null;

export function h(type: string, style: Style, ...children: Child[]): Element {
  const kids = children.filter((c) => c !== null);
  // satori wants display: flex on any div with element children, even an empty array.
  if (kids.length === 0) return { type, props: { style } };
  return { type, props: { style, children: kids.length === 1 ? kids[0] : kids } };
}

/** A keyed element: satori reports its computed layout under this key (text fitting). */
export function keyed(key: string, el: Element): Element {
  return { ...el, key };
}

export function img(src: string, width: number, height: number, style: Style = {}): Element {
  return { type: "img", props: { src, width, height, style: { width, height, ...style } } };
}
