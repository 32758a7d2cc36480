import {
  parseAsArrayOf,
  parseAsInteger,
  parseAsIsoDateTime,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs";
import { OPERATION_STATUSES } from "@/server/domain/statuses";
import { SEARCH_SORTS } from "@/server/presenters/search/search-sorts";

/** Every search setting lives in the URL, so a search is a link to share. */
export const searchParsers = {
  q: parseAsString.withDefault(""),
  type: parseAsString,
  version: parseAsInteger,
  status: parseAsArrayOf(parseAsStringLiteral(OPERATION_STATUSES)).withDefault([]),
  step: parseAsString,
  from: parseAsIsoDateTime,
  to: parseAsIsoDateTime,
  // Synthetic checks send an operation a minute: real traffic only unless asked for.
  traffic: parseAsStringLiteral(["real", "synthetic", "all"] as const).withDefault("real"),
  sort: parseAsStringLiteral(SEARCH_SORTS).withDefault("accepted_desc"),
  cursor: parseAsString,
};

/** The presenter's `synthetic` filter for a `traffic` choice: real only, synthetic only, or both. */
export const syntheticOf = (traffic: "real" | "synthetic" | "all") =>
  traffic === "all" ? null : traffic === "synthetic";
