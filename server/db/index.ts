export * from "./database-service";
export type * from "./models";
