// autocannon ships no types; the reader benchmark's driver uses a small part of its API.
declare module "autocannon";
