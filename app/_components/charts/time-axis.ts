/** What every time-series chart shares: minutes in UTC on a numeric time axis. */
export const hhmm = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

/** Props for recharts' <XAxis> over `t` (epoch ms). Spread, not wrapped: recharts reads its children's types. */
export const TIME_X_AXIS = {
  dataKey: "t",
  type: "number",
  domain: ["dataMin", "dataMax"],
  tickFormatter: (t: number) => hhmm.format(t),
  tick: { fontSize: 10, fill: "currentColor" },
  stroke: "currentColor",
  strokeOpacity: 0.3,
  minTickGap: 24,
} as const;
