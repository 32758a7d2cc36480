import type { RouterOutputs } from "../../_lib/router-types";

/** What every dashboard panel reads: one `dashboard.get`. */
export type Dashboard = RouterOutputs["dashboard"]["get"];
