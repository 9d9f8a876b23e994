// Each brand's quota for today (its brief's reels and posts per day, or the
// workspace's default) and how far today's burst got for it.
import type { BrandQuota } from "../../api/types";

export function BrandQuotas({ quotas }: { quotas: BrandQuota[] }) {
  return (
    <section class="card" aria-labelledby="quota-h">
      <h2 id="quota-h">Today's burst per brand</h2>
      {quotas.length === 0 ? (
        <p class="muted">No brands yet.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Brand</th>
                <th scope="col">Reels a day</th>
                <th scope="col">Posts a day</th>
                <th scope="col">Proposed today</th>
                <th scope="col">Today's burst</th>
              </tr>
            </thead>
            <tbody>
              {quotas.map((q) => (
                <tr key={q.brandId}>
                  <td>{q.brand}</td>
                  <td>{q.reels}</td>
                  <td>{q.posts}</td>
                  <td>{q.proposedToday}</td>
                  <td>
                    {q.doneToday ? "done" : q.note ? "stopped" : "not yet"}
                    {q.note && <div class="muted">{q.note}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
