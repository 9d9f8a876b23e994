// The build's check that pages drawing charts stay out of the calendar's
// JavaScript (DESIGN.md §8; issue 15 item 6): the Analytics page's modules
// must be in a chunk that App.tsx imports on demand, never in the entry chunk,
// and that chunk with whatever only it imports must stay within 60 KB
// gzipped. Likewise the music converter (mediabunny, and the ~1 MB WebAssembly
// AAC encoder it registers where the browser has none) loads only when someone
// uploads music. vite.config.ts runs it on every `npm run build`; a breach fails the
// build. Pure (the gzip size comes in), so test/web/chunk-budget.test.tsx can
// feed it bundles that break each rule.

/** Modules only the Analytics page uses. */
export const ANALYTICS_MODULES = [
  /\/web\/src\/pages\/AnalyticsPage\.tsx$/,
  /\/web\/src\/state\/analytics\.ts$/,
  /\/web\/src\/components\/analytics\//,
  /\/web\/src\/components\/brands\/BestTimes\.tsx$/,
];
export const ANALYTICS_ENTRY = /\/web\/src\/pages\/AnalyticsPage\.tsx$/;
export const ANALYTICS_BUDGET_BYTES = 60 * 1024;

/** Modules only the music card's converter uses (web/src/audio/convert-music.ts and what it brings). */
export const MUSIC_MODULES = [/\/web\/src\/audio\/convert-music\.ts$/, /\/node_modules\/mediabunny\//, /\/node_modules\/@mediabunny\//];

/** What the check needs of a Rollup output chunk. */
export interface ChunkInfo {
  fileName: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  moduleIds: string[];
  /** Chunks it imports statically (file names). */
  imports: string[];
  code: string;
}

export interface ChunkReport {
  errors: string[];
  /** Gzipped bytes of the entry chunk(s): what every page, the calendar first, loads. */
  mainGzip: number;
  /** Gzipped bytes of the Analytics route's own JS: its chunk and the chunks only it imports. */
  analyticsGzip: number;
  analyticsFiles: string[];
}

const posix = (id: string) => id.replaceAll("\\", "/");

/** Every chunk `start` loads, itself included, following static imports. */
function closure(start: ChunkInfo[], byName: Map<string, ChunkInfo>): Set<string> {
  const seen = new Set<string>();
  const stack = start.map((c) => c.fileName);
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(byName.get(name)?.imports ?? []));
  }
  return seen;
}

export function checkChunks(chunks: ChunkInfo[], gzipSize: (code: string) => number, budget = ANALYTICS_BUDGET_BYTES): ChunkReport {
  const errors: string[] = [];
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const entries = chunks.filter((c) => c.isEntry);
  const main = closure(entries, byName);
  for (const name of main) {
    for (const id of byName.get(name)?.moduleIds ?? []) {
      if (ANALYTICS_MODULES.some((re) => re.test(posix(id)))) errors.push(`${posix(id)} is in ${name}, which every page loads: the Analytics page must be imported on demand.`);
      if (MUSIC_MODULES.some((re) => re.test(posix(id)))) errors.push(`${posix(id)} is in ${name}, which every page loads: the music converter must be imported on demand.`);
    }
  }
  const page = chunks.find((c) => c.isDynamicEntry && !c.isEntry && c.moduleIds.some((id) => ANALYTICS_ENTRY.test(posix(id))));
  let analyticsGzip = 0;
  let analyticsFiles: string[] = [];
  if (!page) {
    errors.push("No chunk of its own holds web/src/pages/AnalyticsPage.tsx: App.tsx must load it with import().");
  } else {
    analyticsFiles = [...closure([page], byName)].filter((name) => !main.has(name));
    analyticsGzip = analyticsFiles.reduce((sum, name) => sum + gzipSize(byName.get(name)!.code), 0);
    if (analyticsGzip > budget)
      errors.push(`The Analytics route's own JS is ${(analyticsGzip / 1024).toFixed(1)} KB gzipped (${analyticsFiles.join(", ")}), over its ${(budget / 1024).toFixed(0)} KB budget.`);
  }
  const mainGzip = [...main].reduce((sum, name) => sum + gzipSize(byName.get(name)!.code), 0);
  return { errors, mainGzip, analyticsGzip, analyticsFiles };
}
