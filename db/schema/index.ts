export * from "./alerts";
export * from "./audit";
export * from "./enums";
export * from "./operations";
export * from "./operator";
export * from "./people";
export * from "./providers";
export * from "./webhooks";
