export * from "./enums";
export * from "./operations";
