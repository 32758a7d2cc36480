import ReactMarkdown from "react-markdown";

/**
 * Markdown written by us (runbooks, the API guide), rendered as React elements. Raw HTML in
 * the source is shown as text, never parsed (react-markdown's default: no `rehype-raw`), and
 * links other than http(s), mailto and same-site paths are dropped by its URL transform, so
 * nothing in a runbook can run script.
 */
export function Markdown({
  children,
  className = "",
  ...rest
}: {
  children: string;
  className?: string;
  "data-testid"?: string;
}) {
  return (
    <div
      {...rest}
      className={`space-y-2 text-sm leading-relaxed [&_a]:text-sky-700 [&_a]:underline [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.85em] [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-5 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-zinc-100 [&_pre]:p-2 [&_ul]:list-disc [&_ul]:pl-5 dark:[&_a]:text-sky-400 dark:[&_code]:bg-zinc-800 dark:[&_pre]:bg-zinc-800 ${className}`}
    >
      <ReactMarkdown skipHtml>{children}</ReactMarkdown>
    </div>
  );
}

/**
 * A runbook as the list it is: workflows write one instruction a line; Markdown would fold
 * those lines into one paragraph. Text that is already Markdown (a list, headings, blank
 * lines between paragraphs) is left as it is.
 */
export function linesAsList(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length < 2 || /^\s*([-*+]|\d+\.|#)\s/m.test(text) || /\n\s*\n/.test(text)) return text;
  return lines.map((l) => `- ${l.trim()}`).join("\n");
}
