"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";
import { SEARCH_BOX_ATTRIBUTE } from "./search-box";

/** The hash that asks the operations page to put the cursor in its box on arrival. */
export const FOCUS_SEARCH_HASH = "#search";

/**
 * Set on <html> while the shortcut listens. A page is readable before React has hydrated it and
 * a "/" pressed in that moment does nothing, so a browser test waits for this before pressing.
 */
export const SHORTCUT_READY_ATTRIBUTE = "data-search-shortcut";

/**
 * "/" on every console page: focuses the page's search box, or opens the operations search
 * with its box focused where the page has none. Not while typing, and not on the end user's
 * track page or the signed-out pages, which have no search.
 */
export function SearchShortcut() {
  const router = useRouter();
  const pathname = usePathname() ?? "/";
  const enabled = !pathname.startsWith("/track/") && pathname !== "/sign-in" && pathname !== "/setup";
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']")) return;
      e.preventDefault();
      const box = document.querySelector<HTMLInputElement>(`[${SEARCH_BOX_ATTRIBUTE}]`);
      if (box) {
        box.focus();
        box.select();
      } else {
        router.push(`/operations${FOCUS_SEARCH_HASH}`);
      }
    };
    window.addEventListener("keydown", onKey);
    document.documentElement.setAttribute(SHORTCUT_READY_ATTRIBUTE, "ready");
    return () => {
      window.removeEventListener("keydown", onKey);
      document.documentElement.removeAttribute(SHORTCUT_READY_ATTRIBUTE);
    };
  }, [enabled, router]);
  return null;
}
