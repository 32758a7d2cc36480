/** The orders a search can be listed in; shared by the presenter, the router and the page. */
export const SEARCH_SORTS = ["accepted_desc", "accepted_asc", "finished_desc", "finished_asc"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
