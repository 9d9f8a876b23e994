// Single byte ranges (RFC 9110 §14.1.2): "bytes=a-b", "bytes=a-", "bytes=-n".
// Anything the server may ignore (other units, several ranges, bad syntax) is
// served whole; a well-formed range past the end is unsatisfiable (416).

export type RangeRequest = { kind: "whole" } | { kind: "part"; offset: number; length: number } | { kind: "unsatisfiable" };

export function parseRange(header: string | null | undefined, size: number): RangeRequest {
  if (!header) return { kind: "whole" };
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m) return { kind: "whole" };
  const [, first, last] = m as unknown as [string, string, string];
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    // Suffix: the last n bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(n, size);
    return { kind: "part", offset: size - length, length };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "whole" }; // invalid range-spec: ignore the header
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Number(last);
  return { kind: "part", offset: start, length: Math.min(end, size - 1) - start + 1 };
}
