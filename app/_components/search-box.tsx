"use client";

import { Search } from "lucide-react";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";

/** The attribute the "/" shortcut (SearchShortcut) looks for: the page's own search box. */
export const SEARCH_BOX_ATTRIBUTE = "data-search-box";

/**
 * Support search where support starts (the overview): what is typed opens the operations
 * search with it. The operations page has its own box, tied to its filters.
 */
export function SearchBox() {
  const router = useRouter();
  const [text, setText] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    router.push(q ? `/operations?q=${encodeURIComponent(q)}` : "/operations");
  };
  return (
    <search>
      <form onSubmit={submit} className="flex gap-2">
        <label className="relative min-w-0 flex-1">
          <span className="sr-only">Search operations</span>
          <Search className="pointer-events-none absolute top-3 left-2.5 size-4 text-zinc-400" aria-hidden />
          <input
            {...{ [SEARCH_BOX_ATTRIBUTE]: "" }}
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Find an order: customer email, reference, operation id, error text…   ( / )"
            className="h-10 w-full min-w-0 rounded-md border border-zinc-300 bg-white pl-8 pr-2 text-base focus:outline-2 focus:outline-offset-1 focus:outline-status-processing dark:border-zinc-700 dark:bg-zinc-950"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <button
          type="submit"
          className="h-10 shrink-0 rounded-md bg-zinc-900 px-4 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900"
        >
          Search
        </button>
      </form>
    </search>
  );
}
