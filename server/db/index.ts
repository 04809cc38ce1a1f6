export * from "./database-service";
export * from "./errors";
export type * from "./models";
