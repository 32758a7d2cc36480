export * from "./enums";
export * from "./operations";
export * from "./providers";
