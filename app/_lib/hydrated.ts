"use client";

import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False while React hydrates the server's HTML, true afterwards (and at once on a client-side
 * navigation). A page's Suspense boundary hydrates after the shell, so a query the shell started
 * (the nav's session or alert count) may already hold data when the boundary hydrates; rendering
 * that data then differs from the server's HTML, and React throws the boundary's HTML away and
 * renders it anew — losing the cursor of a search box the reader had just focused. Render data
 * only a shared query can hold once this is true.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
