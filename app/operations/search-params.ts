import {
  parseAsArrayOf,
  parseAsBoolean,
  parseAsInteger,
  parseAsIsoDateTime,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs";
import { SEARCH_SORTS } from "@/server/console/search-sorts";
import { OPERATION_STATUSES } from "@/server/domain/statuses";

/** Every search setting lives in the URL, so a search is a link to share. */
export const searchParsers = {
  q: parseAsString.withDefault(""),
  type: parseAsString,
  version: parseAsInteger,
  status: parseAsArrayOf(parseAsStringLiteral(OPERATION_STATUSES)).withDefault([]),
  step: parseAsString,
  from: parseAsIsoDateTime,
  to: parseAsIsoDateTime,
  synthetic: parseAsBoolean,
  sort: parseAsStringLiteral(SEARCH_SORTS).withDefault("accepted_desc"),
  cursor: parseAsString,
};
