// Every fake server, by name. The vitest global setup starts them all on free
// loopback ports and hands their URLs to the Worker's bindings; `npm run
// fakes` starts them on fixed ports for a person to watch.
//
// One fake per host family, as the real services split: `facebook`
// (graph.facebook.com, rupload, the Facebook Login dialog), `instagram`
// (graph.instagram.com, api.instagram.com, Instagram Login), `youtube` (all of
// Google: the YouTube Data API, uploads, OAuth). A fake is the module's
// `createFake(): FakeServer`, then each plugin module's `plugin()` mounted with
// `fake.use()` (the OAuth flows, sharing the fake's token state).
export const FAKES = {
  probe: { main: () => import("./probe.mjs"), plugins: [] },
  // The OAuth flows (issue 8) are plugins on the API fakes whose tokens they issue; oauth-meta
  // goes first on facebook so the Graph plugin's `/{id}` routes never see `/me`.
  // The insights endpoints (PLATFORMS.md §8.4) are plugins too, mounted before the routes whose objects they read.
  youtube: { main: () => import("./youtube.mjs"), plugins: [() => import("./oauth-google.mjs"), () => import("./insights-youtube.mjs")] },
  instagram: { main: () => import("./instagram.mjs"), plugins: [() => import("./oauth-instagram.mjs"), () => import("./insights-graph.mjs")] },
  facebook: { main: () => import("./facebook.mjs"), plugins: [() => import("./oauth-meta.mjs"), () => import("./insights-graph.mjs"), () => import("./instagram.mjs")] },
  // OpenAI-compatible chat completions for the `llm` writer; tests pass its URL explicitly (LLM_BASE_URL stays unset).
  llm: { main: () => import("./llm.mjs"), plugins: [] },
  // A webhook receiver that records and verifies Standard Webhooks signatures (worker/webhooks).
  webhooks: { main: () => import("./webhooks.mjs"), plugins: [] },
};

/** Starts every fake; returns `{name: url}` and a stop function. */
export async function startFakes(ports = {}) {
  const started = {};
  for (const [name, spec] of Object.entries(FAKES)) {
    const fake = (await spec.main()).createFake();
    for (const load of spec.plugins) fake.use((await load()).plugin());
    await fake.listen(ports[name] ?? 0);
    started[name] = fake;
  }
  return {
    urls: Object.fromEntries(Object.entries(started).map(([n, f]) => [n, f.url])),
    fakes: started,
    stop: () => Promise.all(Object.values(started).map((f) => f.close())),
  };
}
