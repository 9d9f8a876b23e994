// The smallest fake: counts POSTs and echoes them. It proves the wiring
// (workerd under test reaches a loopback fake; faults, clock and logs work).
import { FakeServer, params } from "./fake-server.mjs";

export function createFake() {
  return new FakeServer(
    "probe",
    (req) => {
      if (req.method === "POST" && req.path === "/things") {
        const p = params(req);
        req.fake.state.things.push(p);
        return { status: 201, body: { id: String(req.fake.state.things.length), at: req.fake.now() } };
      }
      return { status: 404, body: { error: "no such route" } };
    },
    { initialState: () => ({ things: [] }) },
  );
}
