// CSV as RFC 4180 writes it: CRLF after every record, a field quoted when it
// holds a comma, a quote, CR or LF, quotes inside doubled. An empty field is a
// null. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
// the start: OWASP "CSV Injection") gets a leading apostrophe, so a post
// titled "=HYPERLINK(…)" stays text when the export is opened.
export type CsvValue = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
