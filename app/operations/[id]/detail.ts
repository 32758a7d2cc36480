import type { RouterOutputs } from "../../_lib/router-types";

/** One operation as the detail page shows it; every panel of the page reads this shape. */
export type Detail = RouterOutputs["search"]["operation"];
