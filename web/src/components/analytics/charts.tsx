// The page's charts: SVG drawn here (a few KB, where a chart library would be
// tens), over one shared day axis. Each chart is a `ChartCard`: a heading, the
// drawing as an image with a summary in words, and the same numbers as a
// table that is always in the document for screen readers and shown on
// request ("Show table"). Series differ by line pattern and name as well as
// colour, so colour never carries meaning alone. Pointer or arrow keys on a
// chart read out one day.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { formatCompact, formatCount, formatLongDate, formatShortDate } from "./format";

/**
 * Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering
 * [min, max]: from 0 for bars, which must start at zero; from just under the
 * lowest value for lines, so a change of a few percent still shows.
 */
export function niceTicks(max: number, count = 4, min = 0): number[] {
  if (!(max > min)) return max > 0 ? niceTicks(max * 1.1, count, max * 0.9) : [0, 1];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; ticks.length <= count + 1; v += step) {
    ticks.push(Math.round(v / step) * step);
    if (v >= max) break;
  }
  return ticks;
}

/** Every n-th index to label so labels stay `minGap` px apart; the last day is always labelled. */
export function labelEvery(count: number, plotWidth: number, minGap = 56): number {
  if (count <= 1) return 1;
  return Math.max(1, Math.ceil(minGap / (plotWidth / count)));
}

/** The element's width, kept up to date; `fallback` until measured (and where ResizeObserver is missing). */
export function useWidth<T extends HTMLElement = HTMLDivElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => el.clientWidth > 0 && setWidth(el.clientWidth);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

export interface TableColumn {
  label: string;
  /** Numbers align right. */
  numeric?: boolean;
}

/** A chart's numbers as a table: in the document always, on screen when asked for. */
export function ChartCard(props: {
  id: string;
  title: string;
  note?: ComponentChildren;
  caption: string;
  columns: TableColumn[];
  rows: Array<Array<string | number>>;
  children: ComponentChildren;
  class?: string;
}) {
  const [shown, setShown] = useState(false);
  return (
    <section class={`card chart-card ${props.class ?? ""}`} aria-labelledby={`${props.id}-h`}>
      <div class="chart-head">
        <h2 id={`${props.id}-h`}>{props.title}</h2>
        <button type="button" class="btn btn-small" aria-expanded={shown} aria-controls={`${props.id}-table`} onClick={() => setShown(!shown)}>
          {shown ? "Hide table" : "Show table"}
        </button>
      </div>
      {props.note && <p class="chart-note muted">{props.note}</p>}
      {props.children}
      <div
        id={`${props.id}-table`}
        class={shown ? "table-scroll chart-table" : "sr-only"}
        {...(shown ? { tabIndex: 0, role: "region", "aria-label": props.caption } : {})}
      >
        <table class="data-table">
          <caption class={shown ? "sr-only" : undefined}>{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.label} scope="col" class={c.numeric ? "num" : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r, i) => (
              <tr key={i}>
                {r.map((cell, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={j} class={props.columns[j]?.numeric ? "num" : undefined}>
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export interface Series {
  name: string;
  values: Array<number | null>;
  /** A CSS colour with at least 3:1 contrast on white (WCAG 1.4.11). */
  color: string;
  /** stroke-dasharray: the second cue besides colour. */
  dash?: string;
}

const HEIGHT = 200;
const PAD = { top: 12, right: 12, bottom: 26, left: 48 };

interface DayChartProps {
  /** Local dates, one per x position. */
  dates: string[];
  /** The drawing's text alternative: what the chart shows, in words. */
  label: string;
  format?: (n: number) => string;
}

/** The frame both charts share: axes, gridlines, the day labels, and the one-day readout. */
function DayFrame(props: DayChartProps & { max: number; min?: number; readout: (i: number) => ComponentChildren; children: (geo: Geometry) => ComponentChildren }) {
  const { ref, width } = useWidth(640);
  const [active, setActive] = useState<number | null>(null);
  const n = props.dates.length;
  const plotW = Math.max(40, width - PAD.left - PAD.right);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const ticks = niceTicks(props.max, 4, props.min ?? 0);
  const top = ticks[ticks.length - 1]!;
  const bottom = ticks[0]!;
  const geo: Geometry = {
    band: plotW / Math.max(1, n),
    x: (i) => PAD.left + (i + 0.5) * (plotW / Math.max(1, n)),
    y: (v) => PAD.top + plotH - ((v - bottom) / (top - bottom)) * plotH,
    base: PAD.top + plotH,
  };
  const every = labelEvery(n, plotW);
  const fmt = props.format ?? formatCompact;
  useEffect(() => setActive(null), [n]);
  const pick = (clientX: number, el: Element) => {
    const x = clientX - el.getBoundingClientRect().left - PAD.left;
    setActive(Math.min(n - 1, Math.max(0, Math.floor(x / geo.band))));
  };
  const onKey = (e: KeyboardEvent) => {
    if (!n) return;
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : e.key === "Home" ? -n : e.key === "End" ? n : 0;
    if (!step) return;
    e.preventDefault();
    setActive((a) => Math.min(n - 1, Math.max(0, (a ?? (step > 0 ? -1 : n)) + step)));
  };
  const tipLeft = active === null ? 0 : Math.min(Math.max(geo.x(active) - 80, 0), Math.max(0, width - 170));
  return (
    <div class="chart" ref={ref}>
      <svg
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={props.label}
        tabindex={0}
        onPointerMove={(e) => pick(e.clientX, e.currentTarget)}
        onPointerLeave={() => setActive(null)}
        onBlur={() => setActive(null)}
        onKeyDown={onKey}
      >
        <g class="grid" aria-hidden="true">
          {ticks.map((t) => (
            <g key={t}>
              <line x1={PAD.left} x2={PAD.left + plotW} y1={geo.y(t)} y2={geo.y(t)} />
              <text x={PAD.left - 6} y={geo.y(t)} dy="0.32em" text-anchor="end">
                {fmt(t)}
              </text>
            </g>
          ))}
          {props.dates.map((d, i) =>
            (n - 1 - i) % every === 0 ? (
              <text key={d} x={geo.x(i)} y={HEIGHT - 8} text-anchor="middle">
                {formatShortDate(d)}
              </text>
            ) : null,
          )}
        </g>
        {props.children(geo)}
        {active !== null && <line class="rule" x1={geo.x(active)} x2={geo.x(active)} y1={PAD.top} y2={geo.base} aria-hidden="true" />}
      </svg>
      {active !== null && props.dates[active] && (
        <div class="chart-tip" style={{ left: `${tipLeft}px` }} aria-hidden="true">
          <strong>{formatLongDate(props.dates[active]!)}</strong>
          {props.readout(active)}
        </div>
      )}
    </div>
  );
}

interface Geometry {
  band: number;
  x: (i: number) => number;
  y: (v: number) => number;
  base: number;
}

/** One bar per day. */
export function BarChart(props: DayChartProps & { values: number[]; color: string; unit: string }) {
  const max = Math.max(0, ...props.values);
  return (
    <DayFrame
      {...props}
      max={max}
      readout={(i) => (
        <span>
          {formatCount(props.values[i] ?? 0)} {props.unit}
        </span>
      )}
    >
      {(geo) => (
        <g fill={props.color} aria-hidden="true">
          {props.values.map((v, i) => {
            if (!v) return null;
            const w = Math.max(1, Math.min(geo.band * 0.72, 28));
            const y = geo.y(v);
            return <rect key={i} x={geo.x(i) - w / 2} y={y} width={w} height={Math.max(1, geo.base - y)} rx={Math.min(2, w / 4)} />;
          })}
        </g>
      )}
    </DayFrame>
  );
}

/** One line per series over the days; a missing value breaks the line. */
export function LineChart(props: DayChartProps & { series: Series[] }) {
  const known = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(0, ...known);
  // Lines start near their lowest value; when that is under a fifth of the highest, from 0.
  const low = known.length ? Math.min(...known) : 0;
  return (
    <>
      <DayFrame
        {...props}
        max={max}
        min={low > max / 5 ? low : 0}
        readout={(i) => (
          <ul>
            {props.series.map((s) => (
              <li key={s.name}>
                <svg width="18" height="8" aria-hidden="true">
                  <line x1="0" x2="18" y1="4" y2="4" stroke={s.color} stroke-width="2.5" stroke-dasharray={s.dash} />
                </svg>
                {s.name}: {s.values[i] === null || s.values[i] === undefined ? "no reading" : formatCount(s.values[i]!)}
              </li>
            ))}
          </ul>
        )}
      >
        {(geo) => (
          <g fill="none" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round" aria-hidden="true">
            {props.series.map((s) => {
              let d = "";
              let pen = false;
              s.values.forEach((v, i) => {
                if (v === null) return void (pen = false);
                d += `${pen ? "L" : "M"}${geo.x(i).toFixed(1)},${geo.y(v).toFixed(1)}`;
                pen = true;
              });
              // A lone reading (no neighbour to join) still shows, as a dot.
              const dots = s.values.map((v, i) => (v !== null && s.values[i - 1] == null && s.values[i + 1] == null ? i : -1)).filter((i) => i >= 0);
              return (
                <g key={s.name}>
                  <path d={d} stroke={s.color} stroke-dasharray={s.dash} />
                  {dots.map((i) => (
                    <circle key={i} cx={geo.x(i)} cy={geo.y(s.values[i]!)} r="3" fill={s.color} stroke="none" />
                  ))}
                </g>
              );
            })}
          </g>
        )}
      </DayFrame>
      <Legend series={props.series} />
    </>
  );
}

export function Legend({ series }: { series: Array<Pick<Series, "name" | "color" | "dash">> }) {
  return (
    <ul class="legend" aria-hidden="true">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="26" height="10">
            <line x1="1" x2="25" y1="5" y2="5" stroke={s.color} stroke-width="3" stroke-dasharray={s.dash} stroke-linecap="round" />
          </svg>
          {s.name}
        </li>
      ))}
    </ul>
  );
}
