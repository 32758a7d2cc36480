/**
 * Whether a JSON value's text is at most `maxChars` long, measured without JSON.stringify: an
 * explicit stack (a value nested thousands deep cannot overflow ours) that stops as soon as the
 * budget is spent, so a huge value costs at most `maxChars` of work. Strings count their length
 * plus quotes (escapes are not counted: a bound, not an exact size).
 */
export function jsonFits(root: unknown, maxChars: number): boolean {
  let size = 0;
  const work: unknown[] = [root];
  while (work.length > 0) {
    const value = work.pop();
    if (typeof value === "string") size += value.length + 2;
    else if (Array.isArray(value)) {
      size += 1 + value.length;
      for (const item of value) work.push(item);
    } else if (value && typeof value === "object") {
      const entries = Object.entries(value);
      size += 1 + entries.length;
      for (const [key, item] of entries) {
        size += key.length + 3;
        work.push(item);
      }
    } else size += String(value).length;
    if (size > maxChars) return false;
  }
  return true;
}
